package io.seckill.consumer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.seckill.proto.OrderMessage;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class OrderParserTest {
  private final OrderParser parser = new OrderParser(1024, 10);

  private static byte[] b(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private PoisonReason reasonOf(byte[] key, byte[] value) {
    return assertThrows(Poison.Exception.class, () -> parser.parse(key, value)).poison.reason();
  }

  @Test
  void parsesTheDesignExample() {
    OrderMessage o = parser.parse(b("o-1"), b("{\"orderId\":\"o-1\",\"userId\":7,\"productId\":3,\"quantity\":2,"
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
  void acceptsProto3JsonFormsAndOmittedDefaults() {
    // proto3 JSON writes int64 as strings and omits zero values; unknown fields are ignored.
    OrderMessage o = parser.parse(null, b("{\"orderId\":\"A_b-9\",\"userId\":\"12\",\"productId\":1,"
        + "\"quantity\":1,\"amountCents\":\"500\",\"extra\":{\"x\":1}}"));
    assertEquals(12, o.getUserId());
    assertEquals(0, o.getCouponId());
    assertEquals(500, o.getAmountCents());
    assertEquals("", o.getRequestedAt());
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
      "{\"orderId\":42,\"userId\":1,\"productId\":1,\"quantity\":1,\"amountCents\":1}|WRONG_TYPE",
      "{\"orderId\":\"a\",\"userId\":true,\"productId\":1,\"quantity\":1,\"amountCents\":1}|WRONG_TYPE",
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
      "{\"orderId\":\"\",\"userId\":1,\"productId\":1,\"quantity\":1,\"amountCents\":1}|BAD_ORDER_ID",
      "{\"orderId\":\"has space\",\"userId\":1,\"productId\":1,\"quantity\":1,\"amountCents\":1}|BAD_ORDER_ID",
      "{\"orderId\":\"semi;colon\",\"userId\":1,\"productId\":1,\"quantity\":1,\"amountCents\":1}|BAD_ORDER_ID",
      "{\"orderId\":\"ünïcode\",\"userId\":1,\"productId\":1,\"quantity\":1,\"amountCents\":1}|BAD_ORDER_ID",
      "{\"orderId\":\"a\",\"userId\":0,\"productId\":1,\"quantity\":1,\"amountCents\":1}|BAD_VALUE",
      "{\"orderId\":\"a\",\"userId\":1,\"productId\":-1,\"quantity\":1,\"amountCents\":1}|BAD_VALUE",
      "{\"orderId\":\"a\",\"userId\":1,\"productId\":1,\"quantity\":1,\"amountCents\":1,\"couponId\":-2}|BAD_VALUE",
      "{\"orderId\":\"a\",\"userId\":1,\"productId\":1,\"quantity\":1,\"amountCents\":-5}|BAD_VALUE",
  })
  void sortsPoison(String json, PoisonReason expected) {
    assertEquals(expected, reasonOf(null, b(json)));
  }

  @Test
  void orderIdOfSixtyFiveCharactersIsTooLong() {
    String id = "x".repeat(65);
    assertEquals(PoisonReason.BAD_ORDER_ID, reasonOf(null, b("{\"orderId\":\"" + id
        + "\",\"userId\":1,\"productId\":1,\"quantity\":1,\"amountCents\":1}")));
    OrderMessage ok = parser.parse(null, b("{\"orderId\":\"" + "x".repeat(64)
        + "\",\"userId\":1,\"productId\":1,\"quantity\":1,\"amountCents\":1}"));
    assertEquals(64, ok.getOrderId().length());
  }

  @Test
  void oversizedEmptyAndInvalidUtf8() {
    byte[] big = b("{\"orderId\":\"a\",\"pad\":\"" + "p".repeat(1100) + "\"}");
    assertEquals(PoisonReason.OVERSIZED, reasonOf(null, big));
    assertEquals(PoisonReason.EMPTY, reasonOf(null, null));
    assertEquals(PoisonReason.EMPTY, reasonOf(null, new byte[0]));
    assertEquals(PoisonReason.NOT_UTF8, reasonOf(null, new byte[] {'{', (byte) 0xC3, (byte) 0x28, '}'}));
  }

  @Test
  void keyMustMatchOrderIdWhenPresent() {
    byte[] v = b("{\"orderId\":\"a1\",\"userId\":1,\"productId\":1,\"quantity\":1,\"amountCents\":1}");
    assertEquals(PoisonReason.KEY_MISMATCH, reasonOf(b("other"), v));
    assertEquals("a1", parser.parse(b("a1"), v).getOrderId());
    byte[] alsoBad = b("{\"orderId\":\"a1\",\"userId\":-5,\"productId\":1,\"quantity\":1,\"amountCents\":1}");
    assertEquals(PoisonReason.BAD_VALUE, reasonOf(b("other"), alsoBad), "the field problem is the better reason");
  }

  @Test
  void aZeroAmountIsLeftToThePayService() {
    OrderMessage o = parser.parse(null, b("{\"orderId\":\"a\",\"userId\":1,\"productId\":1,\"quantity\":1,\"amountCents\":0}"));
    assertEquals(0, o.getAmountCents());
  }
}
