package io.seckill.proto.codec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.seckill.proto.OrderMessage;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The order message's one writer and one reader: every DLQ code, proto3 JSON forms, limits, round trips. */
class OrderCodecTest {
  private final OrderCodec codec = new OrderCodec(1024, 10);

  private static byte[] b(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private OrderMessage order(byte[] key, byte[] value) {
    Decoded d = codec.decode(key, value);
    return assertInstanceOf(Decoded.Valid.class, d, () -> d.toString()).order();
  }

  private DlqReason reasonOf(byte[] key, byte[] value) {
    Decoded d = codec.decode(key, value);
    return assertInstanceOf(Decoded.Invalid.class, d, () -> "accepted: " + d).reason();
  }

  private static OrderMessage.Builder apiOrder() {
    return OrderMessage.newBuilder().setOrderId("7-3f9c0a6e1b2d4c5e8f7a6b5c4d3e2f10").setUserId(42).setProductId(7)
        .setQuantity(1).setCouponId(0).setAmountCents(1700).setRequestedAt("2026-12-03T10:00:00Z");
  }

  @Test
  void writesTheDesignShapeExactly() {
    // The bytes seckill-api and the load generator put on the topic: field order, numbers, no spaces.
    assertEquals("{\"orderId\":\"7-3f9c0a6e1b2d4c5e8f7a6b5c4d3e2f10\",\"userId\":42,\"productId\":7,\"quantity\":1,"
        + "\"couponId\":0,\"amountCents\":1700,\"requestedAt\":\"2026-12-03T10:00:00Z\"}",
        new String(OrderCodec.encode(apiOrder().build()), StandardCharsets.UTF_8));
    assertEquals("{\"orderId\":\"Rx1-3\",\"userId\":11,\"productId\":1000002,\"quantity\":1,\"couponId\":0,"
        + "\"amountCents\":1200,\"requestedAt\":\"2026-11-21T23:00:00Z\"}",
        new String(OrderCodec.encode(OrderMessage.newBuilder().setOrderId("Rx1-3").setUserId(11).setProductId(1000002)
            .setQuantity(1).setAmountCents(1200).setRequestedAt("2026-11-21T23:00:00Z").build()), StandardCharsets.UTF_8));
  }

  @Test
  void whatIsWrittenReadsBackAsTheSameOrder() {
    OrderMessage sent = apiOrder().setCouponId(55).setQuantity(3).build();
    byte[] key = b(sent.getOrderId());
    Decoded.Valid read = assertInstanceOf(Decoded.Valid.class, codec.decode(key, OrderCodec.encode(sent)));
    assertEquals(sent, read.order());
    assertEquals(sent.getRequestedAt(), read.requestedAtAsWritten());
    // Millisecond precision, as a send time has: the signed string is the one written.
    OrderMessage ms = apiOrder().setRequestedAt("2026-12-03T10:15:30.120Z").build();
    assertEquals("2026-12-03T10:15:30.120Z",
        assertInstanceOf(Decoded.Valid.class, codec.decode(null, OrderCodec.encode(ms))).requestedAtAsWritten());
    // An empty requestedAt is left out and read back as empty.
    OrderMessage noTime = apiOrder().setRequestedAt("").build();
    assertEquals(-1, new String(OrderCodec.encode(noTime), StandardCharsets.UTF_8).indexOf("requestedAt"));
    assertEquals(noTime, order(null, OrderCodec.encode(noTime)));
  }

  @Test
  void parsesTheDesignExample() {
    OrderMessage o = order(b("o-1"), b("{\"orderId\":\"o-1\",\"userId\":7,\"productId\":3,\"quantity\":2,"
        + "\"couponId\":5,\"amountCents\":1100,\"requestedAt\":\"2026-11-21T23:00:00Z\"}"));
    assertEquals("o-1", o.getOrderId());
    assertEquals(7, o.getUserId());
    assertEquals(3, o.getProductId());
    assertEquals(2, o.getQuantity());
    assertEquals(5, o.getCouponId());
    assertEquals(1100, o.getAmountCents());
    assertEquals("2026-11-21T23:00:00Z", o.getRequestedAt());
  }

  @Test
  void requestedAtIsNormalisedInTheOrderAndKeptAsWrittenForTheSignature() {
    Decoded.Valid v = assertInstanceOf(Decoded.Valid.class, codec.decode(null, b("{\"orderId\":\"o-1\",\"userId\":7,"
        + "\"productId\":3,\"quantity\":2,\"couponId\":5,\"amountCents\":1800,\"requestedAt\":\"2026-11-22T10:00:00.000Z\"}")));
    assertEquals("2026-11-22T10:00:00Z", v.order().getRequestedAt());
    assertEquals("2026-11-22T10:00:00.000Z", v.requestedAtAsWritten());
  }

  @Test
  void acceptsProto3JsonFormsAndOmittedDefaults() {
    // proto3 JSON writes int64 as strings and omits zero values; unknown fields are ignored.
    Decoded.Valid v = assertInstanceOf(Decoded.Valid.class, codec.decode(null, b("{\"orderId\":\"A_b-9\","
        + "\"userId\":\"12\",\"productId\":1,\"quantity\":1,\"amountCents\":\"500\",\"extra\":{\"x\":1}}")));
    OrderMessage o = v.order();
    assertEquals(12, o.getUserId());
    assertEquals(0, o.getCouponId());
    assertEquals(500, o.getAmountCents());
    assertEquals("", o.getRequestedAt());
    assertEquals("", v.requestedAtAsWritten());
    OrderMessage nulls = order(null, b("{\"orderId\":\"a\",\"userId\":1,\"productId\":1,\"quantity\":1,"
        + "\"amountCents\":1,\"couponId\":null,\"requestedAt\":null}"));
    assertEquals(0, nulls.getCouponId());
    assertEquals("", nulls.getRequestedAt());
  }

  @Test
  void anIntegerIsTheSameOrderAsANumberOrAsADecimalString() {
    // The one rule where the readers disagreed: "userId":"5" is userId 5, for every reader.
    String number = "{\"orderId\":\"s1\",\"userId\":5,\"productId\":9,\"quantity\":2,\"couponId\":3,\"amountCents\":700}";
    String strings = "{\"orderId\":\"s1\",\"userId\":\"5\",\"productId\":\"9\",\"quantity\":\"2\",\"couponId\":\"3\","
        + "\"amountCents\":\"700\"}";
    assertEquals(order(null, b(number)), order(null, b(strings)));
    assertEquals(5, order(null, b(strings)).getUserId());
    // A string is read as an integer, then checked like one.
    assertEquals(DlqReason.BAD_VALUE, reasonOf(null, b(strings.replace("\"5\"", "\"-5\""))));
    assertEquals(DlqReason.QUANTITY_OUT_OF_RANGE, reasonOf(null, b(strings.replace("\"2\"", "\"11\""))));
  }

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource(delimiter = '|', value = {
      "not json at all|NOT_JSON",
      "[1,2,3]|NOT_JSON",
      "\"just a string\"|NOT_JSON",
      "{\"orderId\":\"a\",\"userId\":1|NOT_JSON",
      "{\"orderId\":\"a\",\"userId\":1,\"productId\":1,\"quantity\":1,\"amountCents\":1} trailing|NOT_JSON",
      "{\"orderId\":\"a\",\"orderId\":\"b\",\"userId\":1,\"productId\":1,\"quantity\":1,\"amountCents\":1}|NOT_JSON",
      "{\"userId\":1,\"productId\":1,\"quantity\":1,\"amountCents\":1}|MISSING_FIELD",
      "{\"orderId\":\"a\",\"productId\":1,\"quantity\":1,\"amountCents\":1}|MISSING_FIELD",
      "{\"orderId\":\"a\",\"userId\":1,\"quantity\":1,\"amountCents\":1}|MISSING_FIELD",
      "{\"orderId\":\"a\",\"userId\":1,\"productId\":1,\"amountCents\":1}|MISSING_FIELD",
      "{\"orderId\":\"a\",\"userId\":1,\"productId\":1,\"quantity\":1}|MISSING_FIELD",
      "{\"orderId\":null,\"userId\":1,\"productId\":1,\"quantity\":1,\"amountCents\":1}|MISSING_FIELD",
      "{\"orderId\":\"a\",\"userId\":null,\"productId\":1,\"quantity\":1,\"amountCents\":1}|MISSING_FIELD",
      "{\"orderId\":42,\"userId\":1,\"productId\":1,\"quantity\":1,\"amountCents\":1}|WRONG_TYPE",
      "{\"orderId\":\"a\",\"userId\":true,\"productId\":1,\"quantity\":1,\"amountCents\":1}|WRONG_TYPE",
      "{\"orderId\":\"a\",\"userId\":\"seven\",\"productId\":1,\"quantity\":1,\"amountCents\":1}|WRONG_TYPE",
      "{\"orderId\":\"a\",\"userId\":\"1.5\",\"productId\":1,\"quantity\":1,\"amountCents\":1}|WRONG_TYPE",
      "{\"orderId\":\"a\",\"userId\":\" 12\",\"productId\":1,\"quantity\":1,\"amountCents\":1}|WRONG_TYPE",
      "{\"orderId\":\"a\",\"userId\":\"\",\"productId\":1,\"quantity\":1,\"amountCents\":1}|WRONG_TYPE",
      "{\"orderId\":\"a\",\"userId\":\"9999999999999999999\",\"productId\":1,\"quantity\":1,\"amountCents\":1}|WRONG_TYPE",
      "{\"orderId\":\"a\",\"userId\":\"99999999999999999999\",\"productId\":1,\"quantity\":1,\"amountCents\":1}|WRONG_TYPE",
      "{\"orderId\":\"a\",\"userId\":1,\"productId\":1.5,\"quantity\":1,\"amountCents\":1}|WRONG_TYPE",
      "{\"orderId\":\"a\",\"userId\":1,\"productId\":1,\"quantity\":\"two\",\"amountCents\":1}|WRONG_TYPE",
      "{\"orderId\":\"a\",\"userId\":1,\"productId\":1,\"quantity\":1,\"amountCents\":{}}|WRONG_TYPE",
      "{\"orderId\":\"a\",\"userId\":99999999999999999999,\"productId\":1,\"quantity\":1,\"amountCents\":1}|WRONG_TYPE",
      "{\"orderId\":\"a\",\"userId\":1,\"productId\":1,\"quantity\":1,\"amountCents\":1,\"couponId\":[]}|WRONG_TYPE",
      "{\"orderId\":\"a\",\"userId\":1,\"productId\":1,\"quantity\":1,\"amountCents\":1,\"requestedAt\":5}|WRONG_TYPE",
      "{\"orderId\":\"a\",\"userId\":1,\"productId\":1,\"quantity\":1,\"amountCents\":1,\"requestedAt\":\"yesterday\"}|WRONG_TYPE",
      "{\"orderId\":\"a\",\"userId\":1,\"productId\":1,\"quantity\":0,\"amountCents\":1}|QUANTITY_OUT_OF_RANGE",
      "{\"orderId\":\"a\",\"userId\":1,\"productId\":1,\"quantity\":-3,\"amountCents\":1}|QUANTITY_OUT_OF_RANGE",
      "{\"orderId\":\"a\",\"userId\":1,\"productId\":1,\"quantity\":11,\"amountCents\":1}|QUANTITY_OUT_OF_RANGE",
      "{\"orderId\":\"a\",\"userId\":1,\"productId\":1,\"quantity\":1000000000,\"amountCents\":1}|QUANTITY_OUT_OF_RANGE",
      "{\"orderId\":\"\",\"userId\":1,\"productId\":1,\"quantity\":1,\"amountCents\":1}|BAD_ORDER_ID",
      "{\"orderId\":\"has space\",\"userId\":1,\"productId\":1,\"quantity\":1,\"amountCents\":1}|BAD_ORDER_ID",
      "{\"orderId\":\"semi;colon\",\"userId\":1,\"productId\":1,\"quantity\":1,\"amountCents\":1}|BAD_ORDER_ID",
      "{\"orderId\":\"ünïcode\",\"userId\":1,\"productId\":1,\"quantity\":1,\"amountCents\":1}|BAD_ORDER_ID",
      "{\"orderId\":\"a !?\",\"userId\":\"x\",\"productId\":1,\"quantity\":1,\"amountCents\":1}|BAD_ORDER_ID",
      "{\"orderId\":\"a\",\"userId\":0,\"productId\":1,\"quantity\":1,\"amountCents\":1}|BAD_VALUE",
      "{\"orderId\":\"a\",\"userId\":1,\"productId\":-1,\"quantity\":1,\"amountCents\":1}|BAD_VALUE",
      "{\"orderId\":\"a\",\"userId\":1,\"productId\":1,\"quantity\":1,\"amountCents\":1,\"couponId\":-2}|BAD_VALUE",
      "{\"orderId\":\"a\",\"userId\":1,\"productId\":1,\"quantity\":1,\"amountCents\":-5}|BAD_VALUE",
  })
  void sortsPoison(String json, DlqReason expected) {
    assertEquals(expected, reasonOf(null, b(json)));
  }

  @Test
  void orderIdOfSixtyFiveCharactersIsTooLong() {
    String id = "x".repeat(65);
    assertEquals(DlqReason.BAD_ORDER_ID, reasonOf(null, b("{\"orderId\":\"" + id
        + "\",\"userId\":1,\"productId\":1,\"quantity\":1,\"amountCents\":1}")));
    OrderMessage ok = order(null, b("{\"orderId\":\"" + "x".repeat(64)
        + "\",\"userId\":1,\"productId\":1,\"quantity\":1,\"amountCents\":1}"));
    assertEquals(64, ok.getOrderId().length());
  }

  @Test
  void oversizedEmptyAndInvalidUtf8() {
    byte[] big = b("{\"orderId\":\"a\",\"pad\":\"" + "p".repeat(1100) + "\"}");
    assertEquals(DlqReason.OVERSIZED, reasonOf(null, big));
    assertEquals(DlqReason.EMPTY, reasonOf(null, null));
    assertEquals(DlqReason.EMPTY, reasonOf(null, new byte[0]));
    assertEquals(DlqReason.NOT_UTF8, reasonOf(null, new byte[] {'{', (byte) 0xC3, (byte) 0x28, '}'}));
  }

  @Test
  void theSizeLimitIsInclusiveAndTheOnlyProblemOfAPaddedOrder() {
    String head = "{\"orderId\":\"p1\",\"userId\":1,\"productId\":1,\"quantity\":1,\"amountCents\":1,\"pad\":\"";
    String atLimit = head + "p".repeat(1024 - head.length() - 2) + "\"}";
    assertEquals(1024, b(atLimit).length);
    assertEquals("p1", order(null, b(atLimit)).getOrderId());
    String over = head + "p".repeat(1024 - head.length() - 1) + "\"}";
    assertEquals(DlqReason.OVERSIZED, reasonOf(null, b(over)));
    assertEquals("p1", new OrderCodec(2048, 10).decode(null, b(over)) instanceof Decoded.Valid v
        ? v.order().getOrderId() : "refused", "without the limit it is an order");
    assertEquals(1024, codec.maxRecordBytes());
    assertEquals(10, codec.maxQuantity());
    assertThrows(IllegalArgumentException.class, () -> new OrderCodec(0, 10));
  }

  @Test
  void keyMustMatchOrderIdWhenPresent() {
    byte[] v = b("{\"orderId\":\"a1\",\"userId\":1,\"productId\":1,\"quantity\":1,\"amountCents\":1}");
    assertEquals(DlqReason.KEY_MISMATCH, reasonOf(b("other"), v));
    assertEquals("a1", order(b("a1"), v).getOrderId());
    byte[] alsoBad = b("{\"orderId\":\"a1\",\"userId\":-5,\"productId\":1,\"quantity\":1,\"amountCents\":1}");
    assertEquals(DlqReason.BAD_VALUE, reasonOf(b("other"), alsoBad), "the field problem is the better reason");
  }

  @Test
  void aZeroAmountIsLeftToThePayService() {
    OrderMessage o = order(null, b("{\"orderId\":\"a\",\"userId\":1,\"productId\":1,\"quantity\":1,\"amountCents\":0}"));
    assertEquals(0, o.getAmountCents());
  }

  @Test
  void aRefusalSaysWhyForPeopleAndCanBeThrown() {
    Decoded d = codec.decode(null, b("{\"orderId\":\"a\",\"userId\":1,\"productId\":1,\"quantity\":99,\"amountCents\":1}"));
    Decoded.Invalid bad = assertInstanceOf(Decoded.Invalid.class, d);
    assertEquals("quantity 99 outside 1..10", bad.detail());
    IllegalStateException e = assertThrows(IllegalStateException.class,
        () -> d.orElseThrow(i -> new IllegalStateException(i.reason().name())));
    assertEquals("QUANTITY_OUT_OF_RANGE", e.getMessage());
    Decoded ok = codec.decode(null, OrderCodec.encode(apiOrder().build()));
    assertEquals(ok, ok.orElseThrow(i -> new IllegalStateException(i.detail())));
  }
}
