package io.seckill.dtm.client;

import io.seckill.dtm.proto.DtmTransOptions;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;

/**
 * Per-transaction options sent to DTM. DTM counts in whole seconds; a zero duration means "DTM's
 * default" (TimeoutToFail 35 s, RetryInterval 10 s, RequestTimeout 3 s).
 *
 * @param timeoutToFail  how long a prepared TCC may wait for Submit/Abort before DTM cancels it
 * @param retryInterval  DTM's base retry interval for failed Confirm/Cancel calls (DTM wants >= 10 s)
 * @param requestTimeout deadline of each branch call, DTM's and the caller's Try
 * @param waitResult     Submit/Abort return only after the second phase ran (or failed once)
 * @param branchHeaders  extra metadata DTM sends on every Confirm/Cancel; also sent on Try
 */
public record TransOptions(Duration timeoutToFail, Duration retryInterval, Duration requestTimeout,
                           boolean waitResult, Map<String, String> branchHeaders) {

  /** The Try deadline when no requestTimeout is set: DTM's own default. */
  public static final Duration DEFAULT_REQUEST_TIMEOUT = Duration.ofSeconds(3);

  /** Validates and copies. */
  public TransOptions {
    timeoutToFail = nonNegative("timeoutToFail", timeoutToFail);
    retryInterval = nonNegative("retryInterval", retryInterval);
    requestTimeout = nonNegative("requestTimeout", requestTimeout);
    branchHeaders = Map.copyOf(Objects.requireNonNull(branchHeaders, "branchHeaders"));
    for (String k : branchHeaders.keySet()) {
      if (!k.matches("[a-z0-9_.-]+") || k.startsWith("dtm-") || k.startsWith("grpc-")) {
        throw new IllegalArgumentException("invalid branch header name '" + k + "' (lower-case ASCII, not dtm-/grpc-)");
      }
    }
  }

  /** DTM's defaults everywhere, no headers, WaitResult off. */
  public static TransOptions defaults() {
    return new TransOptions(Duration.ZERO, Duration.ZERO, Duration.ZERO, false, Map.of());
  }

  /** A copy with another TimeoutToFail. */
  public TransOptions withTimeoutToFail(Duration d) {
    return new TransOptions(d, retryInterval, requestTimeout, waitResult, branchHeaders);
  }

  /** A copy with another RetryInterval. */
  public TransOptions withRetryInterval(Duration d) {
    return new TransOptions(timeoutToFail, d, requestTimeout, waitResult, branchHeaders);
  }

  /** A copy with another RequestTimeout. */
  public TransOptions withRequestTimeout(Duration d) {
    return new TransOptions(timeoutToFail, retryInterval, d, waitResult, branchHeaders);
  }

  /** A copy with another WaitResult. */
  public TransOptions withWaitResult(boolean wait) {
    return new TransOptions(timeoutToFail, retryInterval, requestTimeout, wait, branchHeaders);
  }

  /** A copy with other branch headers. */
  public TransOptions withBranchHeaders(Map<String, String> headers) {
    return new TransOptions(timeoutToFail, retryInterval, requestTimeout, waitResult, headers);
  }

  /** The deadline the caller puts on its own Try calls. */
  public Duration tryDeadline() {
    return requestTimeout.isZero() ? DEFAULT_REQUEST_TIMEOUT : requestTimeout;
  }

  /** The protobuf form DTM reads. */
  DtmTransOptions toProto() {
    return DtmTransOptions.newBuilder()
        .setWaitResult(waitResult)
        .setTimeoutToFail(timeoutToFail.toSeconds())
        .setRetryInterval(retryInterval.toSeconds())
        .setRequestTimeout(requestTimeout.toSeconds())
        .putAllBranchHeaders(branchHeaders)
        .build();
  }

  private static Duration nonNegative(String name, Duration d) {
    Objects.requireNonNull(d, name);
    if (d.isNegative()) {
      throw new IllegalArgumentException(name + " must not be negative");
    }
    if (!d.isZero() && d.toSeconds() == 0) {
      throw new IllegalArgumentException(name + " must be zero or at least 1 s (DTM counts seconds)");
    }
    return d;
  }
}
