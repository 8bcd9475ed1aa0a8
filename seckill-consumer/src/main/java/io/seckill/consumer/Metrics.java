package io.seckill.consumer;

import io.seckill.dtm.tcc.TccOutcome;
import io.seckill.dtm.tcc.Retries;
import io.prometheus.metrics.core.datapoints.CounterDataPoint;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.core.metrics.SummaryWithCallback;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.Quantile;
import io.prometheus.metrics.model.snapshots.Quantiles;
import io.prometheus.metrics.model.snapshots.Unit;
import io.seckill.proto.codec.DlqReason;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;

/**
 * The consumer's counters and gauges, in a Prometheus registry of its own (tests run several
 * consumers in one JVM). Latency quantiles come from the last {@code window} finished
 * transactions, so they follow the current load rather than the whole uptime.
 */
public final class Metrics {
  private static final double[] QUANTILES = {0.5, 0.9, 0.99, 0.999};
  /** Buckets of the enqueue-to-outcome histogram, in seconds: a demo buyer's wait spans 10 ms to a minute. */
  private static final double[] ORDER_LATENCY_BOUNDS = {0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60};

  private final PrometheusRegistry registry = new PrometheusRegistry();
  private final Map<TccOutcome.Kind, CounterDataPoint> outcomes = new EnumMap<>(TccOutcome.Kind.class);
  private final Map<DlqReason, CounterDataPoint> deadLetters = new EnumMap<>(DlqReason.class);
  private final Counter retries;
  private final Map<Retries.Kind, CounterDataPoint> retryPoints = new ConcurrentHashMap<>();
  private final Counter commits;
  private final Counter unfinished;
  private final Counter dtmQueries;
  private final Counter offsetsLost;
  private final Histogram orderLatency;
  private final Map<String, Long> lag = new ConcurrentSkipListMap<>();
  private volatile int inFlight;
  private volatile int paused;
  private volatile int assigned;

  private final long[] window;
  private int windowNext;
  private long windowCount;
  private double latencySum;

  /** Metrics keeping the last {@code window} latencies for quantiles. */
  public Metrics(int window) {
    this.window = new long[window];
    Counter orders = Counter.builder().name("seckill_consumer_orders_total")
        .help("Orders finished, by outcome.").labelNames("outcome").register(registry);
    for (TccOutcome.Kind k : TccOutcome.Kind.values()) {
      outcomes.put(k, orders.labelValues(k.label()));
    }
    Counter letters = Counter.builder().name("seckill_consumer_dead_letters_total")
        .help("Records sent to the DLQ, by reason.").labelNames("reason").register(registry);
    for (DlqReason r : DlqReason.values()) {
      deadLetters.put(r, letters.labelValues(r.name()));
    }
    retries = Counter.builder().name("seckill_consumer_retries_total")
        .help("Steps retried after trouble, by step.").labelNames("step").register(registry);
    unfinished = Counter.builder().name("seckill_consumer_unfinished_total")
        .help("Transactions handed back without an outcome.").register(registry);
    dtmQueries = Counter.builder().name("seckill_consumer_dtm_queries_total")
        .help("DTM status queries sent.").register(registry);
    offsetsLost = Counter.builder().name("seckill_consumer_offsets_lost_total")
        .help("Partitions whose committed offset had fallen off the log (records deleted unread), restarted at the earliest.")
        .register(registry);
    commits = Counter.builder().name("seckill_consumer_commits_total")
        .help("Successful offset commits.").register(registry);
    GaugeWithCallback.builder().name("seckill_consumer_in_flight")
        .help("Orders and dead letters started and not finished.")
        .callback(cb -> cb.call(inFlight)).register(registry);
    GaugeWithCallback.builder().name("seckill_consumer_paused")
        .help("1 while fetching is paused by back-pressure.")
        .callback(cb -> cb.call(paused)).register(registry);
    GaugeWithCallback.builder().name("seckill_consumer_assigned_partitions")
        .help("Partitions assigned to this consumer.")
        .callback(cb -> cb.call(assigned)).register(registry);
    GaugeWithCallback.builder().name("seckill_consumer_lag_records")
        .help("Log end offset minus committed offset, by partition.").labelNames("partition")
        .callback(cb -> lag.forEach((partition, records) -> cb.call(records, partition))).register(registry);
    GaugeWithCallback.builder().name("seckill_consumer_lag_records_sum")
        .help("Total lag over the assigned partitions.")
        .callback(cb -> cb.call(lag.values().stream().mapToLong(Long::longValue).sum())).register(registry);
    orderLatency = Histogram.builder().name("seckill_consumer_order_latency_seconds").unit(Unit.SECONDS)
        .help("Time from the order's enqueue (its Kafka record's timestamp) to its durable outcome.")
        .classicOnly().classicUpperBounds(ORDER_LATENCY_BOUNDS).register(registry);
    SummaryWithCallback.builder().name("seckill_consumer_tcc_latency_seconds").unit(Unit.SECONDS)
        .help("Time from starting an order's transaction to its durable outcome.")
        .callback(this::latencies).register(registry);
  }

  /**
   * An order finished with {@code outcome} after {@code nanos} of transaction time, {@code sinceEnqueueMs}
   * after it was enqueued (negative when the record carries no usable timestamp).
   */
  public void outcome(TccOutcome.Kind kind, long nanos, long sinceEnqueueMs) {
    outcomes.get(kind).inc();
    if (sinceEnqueueMs >= 0) {
      orderLatency.observe(sinceEnqueueMs / 1000.0);
    }
    synchronized (window) {
      window[windowNext] = nanos;
      windowNext = (windowNext + 1) % window.length;
      windowCount++;
      latencySum += nanos / 1e9;
    }
  }

  /** A record went to the DLQ for {@code reason}. */
  public void deadLetter(DlqReason reason) {
    deadLetters.get(reason).inc();
  }

  /** A step failed with trouble and will be retried. */
  public void retry(Retries.Kind kind) {
    retryPoints.computeIfAbsent(kind, k -> retries.labelValues(k.label())).inc();
  }

  /** A transaction stopped without an outcome (shutdown or a bug); its offset stays uncommitted. */
  public void unfinished() {
    unfinished.inc();
  }

  /** One DTM status query was sent (each costs DTM a storage read and us an HTTP round trip). */
  public void dtmQuery() {
    dtmQueries.inc();
  }

  /** {@code partitions} partitions had a committed offset no longer in the log. */
  public void offsetsLost(int partitions) {
    offsetsLost.inc(partitions);
  }

  /** How many times a committed offset was found no longer in the log. */
  public long offsetsLost() {
    return offsetsLost.getLongValue();
  }

  /** An offset commit succeeded. */
  public void committed() {
    commits.inc();
  }

  /** Updates the in-flight, paused and assignment gauges. */
  public void gauges(int inFlight, boolean paused, int assigned) {
    this.inFlight = inFlight;
    this.paused = paused ? 1 : 0;
    this.assigned = assigned;
  }

  /** Sets the lag (end offset minus committed offset) of {@code partition}. */
  public void lag(String partition, long records) {
    lag.put(partition, records);
  }

  /** Drops the lag of partitions no longer assigned. */
  public void clearLag() {
    lag.clear();
  }

  /** Current in-flight count (for tests and health). */
  public int inFlight() {
    return inFlight;
  }

  /** The count of {@code kind} outcomes so far. */
  public long outcomes(TccOutcome.Kind kind) {
    return outcomes.get(kind).getLongValue();
  }

  /** The registry the metrics HTTP server exports. */
  PrometheusRegistry registry() {
    return registry;
  }

  /** The metrics in the Prometheus text format, as {@code /metrics} serves them. */
  public String render() {
    ByteArrayOutputStream out = new ByteArrayOutputStream(4096);
    try {
      PrometheusTextFormatWriter.create().write(out, registry.scrape());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toString(StandardCharsets.UTF_8);
  }

  private void latencies(SummaryWithCallback.Callback cb) {
    long[] sorted;
    long count;
    double sum;
    synchronized (window) {
      sorted = Arrays.copyOf(window, (int) Math.min(windowCount, window.length));
      count = windowCount;
      sum = latencySum;
    }
    Arrays.sort(sorted);
    List<Quantile> quantiles = new ArrayList<>(QUANTILES.length);
    for (double q : QUANTILES) {
      quantiles.add(new Quantile(q, sorted.length == 0 ? Double.NaN : quantile(sorted, q) / 1e9));
    }
    cb.call(count, sum, Quantiles.of(quantiles));
  }

  static long quantile(long[] sorted, double q) {
    int index = (int) Math.ceil(q * sorted.length) - 1;
    return sorted[Math.max(0, Math.min(sorted.length - 1, index))];
  }
}
