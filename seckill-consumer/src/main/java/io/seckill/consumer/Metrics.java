package io.seckill.consumer;

import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * The consumer's counters and gauges, rendered in the Prometheus text exposition format. Latency
 * quantiles come from the last {@code window} finished transactions (a summary, as Prometheus
 * client libraries do), so they follow the current load rather than the whole uptime.
 */
public final class Metrics {
  private static final double[] QUANTILES = {0.5, 0.9, 0.99, 0.999};

  private final Map<String, LongAdder> outcomes = new ConcurrentHashMap<>();
  private final Map<String, LongAdder> deadLetters = new ConcurrentHashMap<>();
  private final Map<String, LongAdder> retries = new ConcurrentHashMap<>();
  private final LongAdder commits = new LongAdder();
  private final LongAdder unfinished = new LongAdder();
  private final LongAdder dtmQueries = new LongAdder();
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
  }

  /** An order finished with {@code outcome} after {@code nanos} of transaction time. */
  public void outcome(Outcome.Kind kind, long nanos) {
    outcomes.computeIfAbsent(kind.label(), k -> new LongAdder()).increment();
    synchronized (window) {
      window[windowNext] = nanos;
      windowNext = (windowNext + 1) % window.length;
      windowCount++;
      latencySum += nanos / 1e9;
    }
  }

  /** A record went to the DLQ for {@code reason}. */
  public void deadLetter(PoisonReason reason) {
    deadLetters.computeIfAbsent(reason.name(), k -> new LongAdder()).increment();
  }

  /** A step failed with trouble and will be retried. */
  public void retry(String step) {
    int space = step.indexOf(' ');
    String kind = space < 0 ? step : step.substring(0, space);
    if ("record".equals(kind)) {
      kind = "record_cancellation";
    }
    retries.computeIfAbsent(kind, k -> new LongAdder()).increment();
  }

  /** A transaction stopped without an outcome (shutdown or a bug); its offset stays uncommitted. */
  public void unfinished() {
    unfinished.increment();
  }

  /** One DTM status query was sent (each costs DTM a storage read and us an HTTP round trip). */
  public void dtmQuery() {
    dtmQueries.increment();
  }

  /** An offset commit succeeded. */
  public void committed() {
    commits.increment();
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
  public long outcomes(Outcome.Kind kind) {
    LongAdder a = outcomes.get(kind.label());
    return a == null ? 0 : a.sum();
  }

  /** The metrics in Prometheus text format 0.0.4. */
  public String render() {
    StringBuilder out = new StringBuilder(2048);
    header(out, "seckill_consumer_orders_total", "counter", "Orders finished, by outcome.");
    for (Outcome.Kind k : Outcome.Kind.values()) {
      LongAdder a = outcomes.get(k.label());
      out.append("seckill_consumer_orders_total{outcome=\"").append(k.label()).append("\"} ")
          .append(a == null ? 0 : a.sum()).append('\n');
    }
    header(out, "seckill_consumer_dead_letters_total", "counter", "Records sent to the DLQ, by reason.");
    for (PoisonReason r : PoisonReason.values()) {
      LongAdder a = deadLetters.get(r.name());
      out.append("seckill_consumer_dead_letters_total{reason=\"").append(r.name()).append("\"} ")
          .append(a == null ? 0 : a.sum()).append('\n');
    }
    header(out, "seckill_consumer_retries_total", "counter", "Steps retried after trouble, by step.");
    retries.forEach((k, v) -> out.append("seckill_consumer_retries_total{step=\"").append(k).append("\"} ")
        .append(v.sum()).append('\n'));
    header(out, "seckill_consumer_unfinished_total", "counter", "Transactions handed back without an outcome.");
    out.append("seckill_consumer_unfinished_total ").append(unfinished.sum()).append('\n');
    header(out, "seckill_consumer_dtm_queries_total", "counter", "DTM status queries sent.");
    out.append("seckill_consumer_dtm_queries_total ").append(dtmQueries.sum()).append('\n');
    header(out, "seckill_consumer_commits_total", "counter", "Successful offset commits.");
    out.append("seckill_consumer_commits_total ").append(commits.sum()).append('\n');
    header(out, "seckill_consumer_in_flight", "gauge", "Orders and dead letters started and not finished.");
    out.append("seckill_consumer_in_flight ").append(inFlight).append('\n');
    header(out, "seckill_consumer_paused", "gauge", "1 while fetching is paused by back-pressure.");
    out.append("seckill_consumer_paused ").append(paused).append('\n');
    header(out, "seckill_consumer_assigned_partitions", "gauge", "Partitions assigned to this consumer.");
    out.append("seckill_consumer_assigned_partitions ").append(assigned).append('\n');
    header(out, "seckill_consumer_lag_records", "gauge", "Log end offset minus committed offset, by partition.");
    long total = 0;
    for (Map.Entry<String, Long> e : lag.entrySet()) {
      out.append("seckill_consumer_lag_records{partition=\"").append(e.getKey()).append("\"} ")
          .append(e.getValue()).append('\n');
      total += e.getValue();
    }
    header(out, "seckill_consumer_lag_records_sum", "gauge", "Total lag over the assigned partitions.");
    out.append("seckill_consumer_lag_records_sum ").append(total).append('\n');
    header(out, "seckill_consumer_tcc_latency_seconds", "summary",
        "Time from starting an order's transaction to its durable outcome.");
    long[] sorted;
    long count;
    double sum;
    synchronized (window) {
      int n = (int) Math.min(windowCount, window.length);
      sorted = Arrays.copyOf(window, n);
      count = windowCount;
      sum = latencySum;
    }
    Arrays.sort(sorted);
    for (double q : QUANTILES) {
      out.append("seckill_consumer_tcc_latency_seconds{quantile=\"").append(q).append("\"} ");
      out.append(sorted.length == 0 ? "NaN" : Double.toString(quantile(sorted, q) / 1e9)).append('\n');
    }
    out.append("seckill_consumer_tcc_latency_seconds_sum ").append(sum).append('\n');
    out.append("seckill_consumer_tcc_latency_seconds_count ").append(count).append('\n');
    return out.toString();
  }

  static long quantile(long[] sorted, double q) {
    int index = (int) Math.ceil(q * sorted.length) - 1;
    return sorted[Math.max(0, Math.min(sorted.length - 1, index))];
  }

  private static void header(StringBuilder out, String name, String type, String help) {
    out.append("# HELP ").append(name).append(' ').append(help).append('\n');
    out.append("# TYPE ").append(name).append(' ').append(type).append('\n');
  }
}
