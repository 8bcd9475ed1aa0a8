package io.seckill.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class AdmissionRequestTest {
  private static AdmissionRequest parse(String json) throws AdmissionRequest.InvalidField {
    return AdmissionRequest.parse(json.getBytes(StandardCharsets.UTF_8), 5);
  }

  @Test
  void acceptsAValidBodyAndDefaultsTheCoupon() throws Exception {
    assertEquals(new AdmissionRequest(7, 3, 2, 9), parse("{\"userId\":7,\"productId\":3,\"quantity\":2,\"couponId\":9}"));
    assertEquals(new AdmissionRequest(7, 3, 1, 0), parse("{\"userId\":7,\"productId\":3,\"quantity\":1}"));
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "{\"productId\":1,\"quantity\":1}|userId",
      "{\"userId\":0,\"productId\":1,\"quantity\":1}|userId",
      "{\"userId\":\"7\",\"productId\":1,\"quantity\":1}|userId",
      "{\"userId\":1.5,\"productId\":1,\"quantity\":1}|userId",
      "{\"userId\":1,\"productId\":-2,\"quantity\":1}|productId",
      "{\"userId\":1,\"quantity\":1}|productId",
      "{\"userId\":1,\"productId\":1,\"quantity\":0}|quantity",
      "{\"userId\":1,\"productId\":1,\"quantity\":6}|quantity",
      "{\"userId\":1,\"productId\":1}|quantity",
      "{\"userId\":1,\"productId\":1,\"quantity\":1,\"couponId\":-1}|couponId",
      "{\"userId\":1,\"productId\":1,\"quantity\":1,\"couponId\":true}|couponId",
      "{\"userId\":1,\"productId\":1,\"quantity\":1,\"amountCents\":1}|amountCents",
      "{\"userId\":1,\"userId\":2,\"productId\":1,\"quantity\":1}|body",
      "[1,2]|body",
      "not json|body",
      "''|body",
      "{\"userId\":99999999999999999999,\"productId\":1,\"quantity\":1}|userId",
  })
  void namesTheFieldAtFault(String body, String field) {
    AdmissionRequest.InvalidField e = assertThrows(AdmissionRequest.InvalidField.class, () -> parse(body));
    assertEquals(field, e.field(), e.getMessage());
  }
}
