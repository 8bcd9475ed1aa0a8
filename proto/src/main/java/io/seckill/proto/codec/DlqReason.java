package io.seckill.proto.codec;

/**
 * Why a record of topic {@code seckill.orders} cannot be an order: the code the consumer writes to
 * the DLQ in the {@code dlq-reason} header and counts in {@code seckill_consumer_dead_letters_total}.
 * {@link OrderCodec#decode} answers every code but {@link #BAD_SIGNATURE}, which the consumer's
 * signature check gives once a record decoded. The names are part of the wire: never rename one.
 */
public enum DlqReason {
  /** The value is larger than the reader's limit ({@code consumer.max-record-bytes}). */
  OVERSIZED,
  /** The value is empty or absent (a tombstone). */
  EMPTY,
  /** The bytes are not valid UTF-8. */
  NOT_UTF8,
  /** The bytes are not one JSON object (duplicate keys and trailing data included). */
  NOT_JSON,
  /** A required field is absent or null. */
  MISSING_FIELD,
  /** A field has the wrong JSON type (a word where an integer belongs, a fraction, ...). */
  WRONG_TYPE,
  /** quantity is outside 1..the reader's limit ({@code consumer.max-quantity}). */
  QUANTITY_OUT_OF_RANGE,
  /** orderId is not 1-64 characters of [A-Za-z0-9_-]. */
  BAD_ORDER_ID,
  /** An id or amount is out of its range (ids positive, couponId and amountCents >= 0). */
  BAD_VALUE,
  /** The record key is present and differs from orderId. */
  KEY_MISMATCH,
  /**
   * The record is not signed by a key of the keyring, or its content is not what was signed: no
   * signature (when one is required), an unknown key id, or a mismatch. The detail says which.
   */
  BAD_SIGNATURE
}
