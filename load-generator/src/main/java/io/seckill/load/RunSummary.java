package io.seckill.load;

import java.util.List;
import java.util.Map;

/**
 * The outcome of one load run, printed at the end and written with --json.
 *
 * @param runId the order id prefix (kafka mode) and DLQ key prefix of the run
 * @param mode kafka or api
 * @param startedAt ISO-8601 instant the first record was sent
 * @param options the options of the run
 * @param attempted records the run tried to send (valid and bad)
 * @param accepted valid orders accepted (Kafka ack, or API 202)
 * @param badSent bad messages acknowledged by Kafka
 * @param refused api mode: refusals by "status ERROR_CODE"
 * @param sendErrors failed sends by reason
 * @param confirmed accepted orders that ended CONFIRMED
 * @param cancelled accepted orders that ended CANCELLED
 * @param cancelReasons cancelled orders by reason (digits folded to '#')
 * @param deadLettered bad messages of the run found in the DLQ
 * @param deadLetterReasons those, by the consumer's reason code
 * @param validInDeadLetters valid orders of the run found in the DLQ (a bug when not 0)
 * @param notFinal accepted orders with no final state when the run stopped waiting
 * @param complete every accepted order final and every bad message dead-lettered
 * @param sendSeconds first to last send
 * @param durationSeconds first send to the last final state
 * @param sendRate records sent per second while sending
 * @param confirmedPerSecond confirmed orders / durationSeconds
 * @param finalPerSecond final orders (confirmed + cancelled) / durationSeconds
 * @param latencyConfirmedMs enqueue (send) to CONFIRMED, in ms
 * @param latencyAllMs enqueue to any final state, in ms
 * @param confirmedTimeline confirmed orders per second since the first send (index = second)
 * @param clockOffsetMillis MariaDB clock minus this JVM's, corrected for in the latencies
 */
public record RunSummary(String runId, String mode, String startedAt, LoadOptions options, long attempted,
    long accepted, long badSent, Map<String, Long> refused, Map<String, Long> sendErrors, long confirmed,
    long cancelled, Map<String, Long> cancelReasons, long deadLettered, Map<String, Long> deadLetterReasons,
    long validInDeadLetters, long notFinal, boolean complete, double sendSeconds, double durationSeconds,
    double sendRate, double confirmedPerSecond, double finalPerSecond, Percentiles.Summary latencyConfirmedMs,
    Percentiles.Summary latencyAllMs, List<Long> confirmedTimeline, long clockOffsetMillis) {

  /** The human-readable summary. */
  public String render() {
    StringBuilder s = new StringBuilder();
    s.append(String.format("run %s (%s mode) started %s%n", runId, mode, startedAt));
    boolean api = "api".equals(mode);
    s.append(String.format("  sent        %d %s in %.1f s (%.0f/s): %d orders %s%s%n", attempted,
        api ? "requests" : "records", sendSeconds, sendRate, accepted, api ? "admitted (202)" : "acknowledged by Kafka",
        api ? "" : ", " + badSent + " bad messages"));
    if (!refused.isEmpty()) {
      s.append(String.format("  refused     %d: %s%n", refused.values().stream().mapToLong(Long::longValue).sum(),
          refused));
    }
    if (!sendErrors.isEmpty()) {
      s.append(String.format("  send errors %s%n", sendErrors));
    }
    s.append(String.format("  confirmed   %d%n", confirmed));
    s.append(String.format("  cancelled   %d%s%n", cancelled, cancelReasons.isEmpty() ? "" : " " + cancelReasons));
    if (!api) {
      s.append(String.format("  DLQ         %d of %d bad messages%s%s%n", deadLettered, badSent,
          deadLetterReasons.isEmpty() ? "" : " " + deadLetterReasons,
          validInDeadLetters == 0 ? "" : "; " + validInDeadLetters + " VALID ORDERS IN THE DLQ"));
    }
    if (notFinal > 0) {
      s.append(String.format("  NOT FINAL   %d accepted orders had no final state when waiting stopped%n", notFinal));
    }
    s.append(String.format("  throughput  %.1f confirmed orders/s, %.1f final orders/s over %.1f s%n",
        confirmedPerSecond, finalPerSecond, durationSeconds));
    s.append(String.format("  latency     enqueue->CONFIRMED p50 %.0f ms, p95 %.0f ms, p99 %.0f ms, max %.0f ms%n",
        latencyConfirmedMs.p50(), latencyConfirmedMs.p95(), latencyConfirmedMs.p99(), latencyConfirmedMs.max()));
    s.append(String.format("              enqueue->final     p50 %.0f ms, p95 %.0f ms, p99 %.0f ms%n",
        latencyAllMs.p50(), latencyAllMs.p95(), latencyAllMs.p99()));
    s.append(complete ? "  complete: every accepted order is final" + (api ? "" : ", every bad message is in the DLQ")
        : "  INCOMPLETE: see NOT FINAL" + (api ? "" : " / DLQ") + " above");
    return s.toString();
  }
}
