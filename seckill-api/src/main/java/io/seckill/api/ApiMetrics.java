package io.seckill.api;

import io.prometheus.metrics.core.datapoints.CounterDataPoint;
import io.prometheus.metrics.core.datapoints.DistributionDataPoint;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.IOException;
import java.io.OutputStream;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.DoubleSupplier;

/** The API's Prometheus metrics, in a registry of its own (tests run several servers in one JVM). */
public final class ApiMetrics {
  private final PrometheusRegistry registry = new PrometheusRegistry();
  private final PrometheusTextFormatWriter writer = PrometheusTextFormatWriter.create();
  private final Counter admissions;
  private final Counter reconciled;
  private final Counter admin;
  private final Counter paymentsStarted;
  private final Counter callbacks;
  private final Counter expiries;
  private final Counter refunds;
  private final Counter slotsReleased;
  private final Histogram latency;
  // The labelled points, looked up once per label value instead of on every request.
  private final Map<String, CounterDataPoint> admissionPoints = new ConcurrentHashMap<>();
  private final Map<String, DistributionDataPoint> latencyPoints = new ConcurrentHashMap<>();

  /** Registers the metrics; {@code soldOutFlags} reports how many products are flagged sold out. */
  public ApiMetrics(DoubleSupplier soldOutFlags) {
    admissions = Counter.builder().name("seckill_api_admissions_total")
        .help("Admission requests by outcome (admitted, sold_out, sold_out_cached, already_bought, ...)")
        .labelNames("outcome").register(registry);
    reconciled = Counter.builder().name("seckill_api_reconciled_total")
        .help("Admissions the reconciler settled, by action (confirmed, released, cancelled_stale)")
        .labelNames("action").register(registry);
    latency = Histogram.builder().name("seckill_api_request_seconds")
        .help("HTTP request latency by route").unit(io.prometheus.metrics.model.snapshots.Unit.SECONDS)
        .labelNames("route").classicOnly()
        .classicUpperBounds(0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10)
        .register(registry);
    admin = Counter.builder().name("seckill_api_admin_calls_total")
        .help("Calls on the admin listener by result (authorized, unauthorized)")
        .labelNames("result").register(registry);
    paymentsStarted = Counter.builder().name("seckill_api_payments_started_total")
        .help("Payments started with the provider (POST /api/v1/orders/{id}/payment answered 202)")
        .register(registry);
    callbacks = Counter.builder().name("seckill_api_payment_callbacks_total")
        .help("Provider callbacks by outcome (PAID, REFUND_PENDING, PROCESSING, FAILED, BAD_SIGNATURE, SIGNATURE_EXPIRED)")
        .labelNames("outcome").register(registry);
    expiries = Counter.builder().name("seckill_api_expiries_total")
        .help("Expiry sagas this instance ran, by outcome (expired, paid_first, in_progress, error)")
        .labelNames("outcome").register(registry);
    refunds = Counter.builder().name("seckill_api_refunds_total")
        .help("Payments that became refunds (late, double or wrong amount), as their callbacks first learned it here")
        .register(registry);
    slotsReleased = Counter.builder().name("seckill_api_slots_released_total")
        .help("Admission slots of expired orders given back to their sale (AdmissionSaga/ReleaseSlot)")
        .register(registry);
    GaugeWithCallback.builder().name("seckill_api_sold_out_flags")
        .help("Products this process answers 'sold out' for without asking Redis")
        .callback(cb -> cb.call(soldOutFlags.getAsDouble())).register(registry);
  }

  /** Counts one admission outcome. */
  public void admission(String outcome) {
    admissionPoints.computeIfAbsent(outcome, admissions::labelValues).inc();
  }

  /**
   * Reports Redis memory (INFO memory: used_memory and maxmemory) at each scrape; Redis runs with
   * noeviction, so when used reaches max, admissions fail instead of keys vanishing.
   */
  public void redisMemory(java.util.function.Supplier<AdmissionStore.Memory> memory) {
    GaugeWithCallback.builder().name("seckill_api_redis_memory_bytes")
        .help("Redis memory: used (used_memory) and max (maxmemory, 0 = unlimited); -1 when Redis cannot answer")
        .labelNames("kind")
        .callback(cb -> {
          AdmissionStore.Memory m = memory.get();
          cb.call(m.usedBytes(), "used");
          cb.call(m.maxBytes(), "max");
        }).register(registry);
  }

  /** Counts one admin call by result. */
  public void admin(String result) {
    admin.labelValues(result).inc();
  }

  /** Counts one payment started with the provider. */
  public void paymentStarted() {
    paymentsStarted.inc();
  }

  /** Counts one provider callback by its outcome. */
  public void callback(String outcome) {
    callbacks.labelValues(outcome).inc();
  }

  /** The current count of a callback outcome (tests read it). */
  public double callbackCount(String outcome) {
    return callbacks.labelValues(outcome).get();
  }

  /** Counts one expiry saga by its outcome. */
  public void expiry(String outcome) {
    expiries.labelValues(outcome).inc();
  }

  /** Counts one payment that became a refund. */
  public void refund() {
    refunds.inc();
  }

  /** Counts one expired order's slots given back. */
  public void slotReleased() {
    slotsReleased.inc();
  }

  /** How many expired orders' slots were given back (tests read it). */
  public double slotsReleasedCount() {
    return slotsReleased.get();
  }

  /** Counts one reconciler action. */
  public void reconciled(String action) {
    reconciled.labelValues(action).inc();
  }

  /** Records the latency of one request on {@code route}. */
  public void observe(String route, long startNanos) {
    latencyPoints.computeIfAbsent(route, latency::labelValues).observe((System.nanoTime() - startNanos) / 1e9);
  }

  /** The current count of an admission outcome (tests and the benchmark read it). */
  public double admissionCount(String outcome) {
    return admissions.labelValues(outcome).get();
  }

  /** Every admission outcome counted so far, by outcome. */
  public Map<String, Double> admissionsByOutcome() {
    Map<String, Double> out = new java.util.TreeMap<>();
    for (var p : admissions.collect().getDataPoints()) {
      out.put(p.getLabels().get("outcome"), p.getValue());
    }
    return out;
  }

  /** The registry, for parts that publish gauges of their own (the dashboard). */
  PrometheusRegistry registry() {
    return registry;
  }

  /** The text exposition content type. */
  public String contentType() {
    return writer.getContentType();
  }

  /** Writes every metric in the Prometheus text format. */
  public void write(OutputStream out) throws IOException {
    writer.write(out, registry.scrape());
  }
}
