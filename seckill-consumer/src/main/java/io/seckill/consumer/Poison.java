package io.seckill.consumer;

/** A record that can never become an order: the reason code and a human-readable detail. */
public record Poison(PoisonReason reason, String detail) {
  /** Thrown by the parser; never escapes the consumer loop. */
  static final class Exception extends RuntimeException {
    final transient Poison poison;

    Exception(PoisonReason reason, String detail) {
      super(reason + ": " + detail, null, false, false);
      this.poison = new Poison(reason, detail);
    }
  }
}
