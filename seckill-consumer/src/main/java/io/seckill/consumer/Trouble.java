package io.seckill.consumer;

/** A call that failed for a reason a retry may fix (unreachable, deadline, internal error). */
public final class Trouble extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** Trouble described by {@code message} (e.g. "UNAVAILABLE: io exception"). */
  public Trouble(String message, Throwable cause) {
    super(message, cause);
  }
}
