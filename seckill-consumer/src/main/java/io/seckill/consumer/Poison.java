package io.seckill.consumer;

import io.seckill.proto.codec.Decoded;
import io.seckill.proto.codec.DlqReason;

/** A record that can never become an order: the reason code and a human-readable detail. */
public record Poison(DlqReason reason, String detail) {
  /** Thrown for a record refused by the codec or the signature check; never escapes the consumer loop. */
  static final class Rejected extends RuntimeException {
    private static final long serialVersionUID = 1L;
    final transient Poison poison;

    Rejected(DlqReason reason, String detail) {
      super(reason + ": " + detail, null, false, false);
      this.poison = new Poison(reason, detail);
    }

    /** The codec's refusal of a record. */
    Rejected(Decoded.Invalid refusal) {
      this(refusal.reason(), refusal.detail());
    }
  }
}
