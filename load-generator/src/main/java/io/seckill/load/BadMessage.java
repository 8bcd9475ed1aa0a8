package io.seckill.load;

/**
 * A deliberately malformed record for topic seckill.orders: the consumer must send it to the DLQ.
 * The key always starts with the run id, so the DLQ records of a run can be told apart.
 *
 * @param key the record key (also the orderId inside, where the kind keeps one)
 * @param value the record value
 * @param kind what is wrong with it
 */
public record BadMessage(String key, byte[] value, Kind kind) implements Outgoing {

  /** What is wrong with a bad message. */
  public enum Kind {
    /** Plain text, not JSON at all. */
    NOT_JSON,
    /** A JSON document cut in the middle. */
    TRUNCATED_JSON,
    /** Valid JSON that is not an object. */
    NOT_OBJECT,
    /** productId is missing. */
    MISSING_FIELD,
    /** userId is a word, not a number. */
    WRONG_TYPE,
    /** quantity is zero, negative or absurd. */
    BAD_QUANTITY,
    /** orderId has characters outside [A-Za-z0-9_-]. */
    BAD_ORDER_ID,
    /** productId is negative. */
    NEGATIVE_ID,
    /** Bytes that are not UTF-8. */
    NOT_UTF8,
    /** A valid order padded far beyond any sane record size. */
    OVERSIZE
  }
}
