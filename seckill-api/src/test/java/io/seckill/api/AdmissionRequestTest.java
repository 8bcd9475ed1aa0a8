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
    assertEquals(new AdmissionRequest(3, 2, 9), parse("{\"productId\":3,\"quantity\":2,\"couponId\":9}"));
    assertEquals(new AdmissionRequest(3, 1, 0), parse("{\"productId\":3,\"quantity\":1}"));
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "{\"userId\":7,\"productId\":1,\"quantity\":1}|userId",
      "{\"productId\":-2,\"quantity\":1}|productId",
      "{\"quantity\":1}|productId",
      "{\"productId\":1,\"quantity\":0}|quantity",
      "{\"productId\":1,\"quantity\":6}|quantity",
      "{\"productId\":1}|quantity",
      "{\"productId\":1,\"quantity\":1,\"couponId\":-1}|couponId",
      "{\"productId\":1,\"quantity\":1,\"couponId\":true}|couponId",
      "{\"productId\":1,\"quantity\":1,\"amountCents\":1}|amountCents",
      "{\"productId\":1,\"productId\":2,\"quantity\":1}|body",
      "{\"productId\":1,\"quantity\":1}{\"amountCents\":0}|body",
      "{\"productId\":1,\"quantity\":1} garbage|body",
      "[1,2]|body",
      "not json|body",
      "''|body",
      "{\"productId\":99999999999999999999,\"quantity\":1}|productId",
      "{\"productId\":\"7\",\"quantity\":1}|productId",
      "{\"productId\":1.5,\"quantity\":1}|productId",
  })
  void namesTheFieldAtFault(String body, String field) {
    AdmissionRequest.InvalidField e = assertThrows(AdmissionRequest.InvalidField.class, () -> parse(body));
    assertEquals(field, e.field(), e.getMessage());
  }

  @Test
  void aUserIdInTheBodyIsRefusedWithTheReason() {
    AdmissionRequest.InvalidField e = assertThrows(AdmissionRequest.InvalidField.class,
        () -> parse("{\"userId\":7,\"productId\":1,\"quantity\":1}"));
    assertEquals("userId is not accepted: the buyer is the subject of the Bearer token", e.getMessage());
  }
}
