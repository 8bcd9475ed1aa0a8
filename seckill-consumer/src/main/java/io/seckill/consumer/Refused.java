package io.seckill.consumer;

/**
 * A definite "no" that no retry can change: DTM refusing a step because the global transaction is
 * no longer in the state the step needs, or a branch refusing its Try (gRPC ABORTED).
 */
public final class Refused extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** A refusal with the text the refusing side gave. */
  public Refused(String message) {
    super(message);
  }

  /** A refusal with the text the refusing side gave and the status it came as. */
  public Refused(String message, Throwable cause) {
    super(message, cause);
  }
}
