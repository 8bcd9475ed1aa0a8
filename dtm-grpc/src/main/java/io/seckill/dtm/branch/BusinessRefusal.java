package io.seckill.dtm.branch;

import java.util.regex.Pattern;

/**
 * A refusal no retry can change (sold out, coupon already used, duplicate order). Thrown by a Try,
 * it becomes gRPC ABORTED so the caller aborts the global transaction; {@link BranchStatus} never
 * lets it leave a Confirm or Cancel as a business failure.
 */
public class BusinessRefusal extends RuntimeException {
  private static final long serialVersionUID = 1L;
  private static final Pattern REASON = Pattern.compile("[A-Za-z0-9_.-]{1,64}");

  private final String reason;

  /** A refusal with a machine-readable {@code reason} code ([A-Za-z0-9_.-], 1-64 chars) and a message for people. */
  public BusinessRefusal(String reason, String message) {
    super(message);
    if (reason == null || !REASON.matcher(reason).matches()) {
      throw new IllegalArgumentException("refusal reason must match " + REASON + ", got '" + reason + "'");
    }
    this.reason = reason;
  }

  /** The machine-readable code, e.g. {@code SOLD_OUT}; it becomes the ABORTED status description. */
  public String reason() {
    return reason;
  }

  // Refusals are expected outcomes, not bugs: a stack trace would cost time on the hot path for nothing.
  @Override
  public synchronized Throwable fillInStackTrace() {
    return this;
  }
}
