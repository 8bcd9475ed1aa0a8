package io.seckill.proto.codec;

import io.seckill.proto.OrderMessage;
import java.util.Objects;
import java.util.function.Function;

/** What {@link OrderCodec#decode} made of a record: an order, or the reason it is none. */
public sealed interface Decoded permits Decoded.Valid, Decoded.Invalid {

  /**
   * An order. {@code order} carries requestedAt normalised ({@link java.time.Instant#toString()});
   * {@code requestedAtAsWritten} is the string the producer wrote ("" when absent), which is what the
   * record's signature covers, so that checking a signature never depends on how an instant is printed.
   */
  record Valid(OrderMessage order, String requestedAtAsWritten) implements Decoded {
    public Valid {
      Objects.requireNonNull(order, "order");
      Objects.requireNonNull(requestedAtAsWritten, "requestedAtAsWritten");
    }
  }

  /** Not an order: the DLQ reason of the first problem found and a detail for people. */
  record Invalid(DlqReason reason, String detail) implements Decoded {
    public Invalid {
      Objects.requireNonNull(reason, "reason");
      Objects.requireNonNull(detail, "detail");
    }
  }

  /** The order, or throws what {@code rejection} makes of the reason it is none. */
  default <X extends Throwable> Valid orElseThrow(Function<? super Invalid, ? extends X> rejection) throws X {
    if (this instanceof Valid v) {
      return v;
    }
    throw rejection.apply((Invalid) this);
  }
}
