package io.seckill.consumer;

/**
 * A call the other side rejected as malformed or not allowed (INVALID_ARGUMENT, UNIMPLEMENTED,
 * PERMISSION_DENIED, ...): no retry can help, yet it is not a business refusal either.
 */
public final class Rejected extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** A rejection described by {@code message} (e.g. "INVALID_ARGUMENT: quantity must be positive"). */
  public Rejected(String message, Throwable cause) {
    super(message, cause);
  }
}
