package io.seckill.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Base64;
import org.junit.jupiter.api.Test;

class OrderSigningTest {
  private static final String K1 = Base64.getUrlEncoder().withoutPadding().encodeToString(new byte[32]);
  private static final String K2 = Base64.getUrlEncoder().withoutPadding().encodeToString("another-32-byte-secret-for-tests".getBytes());
  private static final OrderSigning.Content ORDER =
      new OrderSigning.Content("7-abc", 42, 7, 1, 0, 1200, "2026-12-03T10:00:00Z");

  @Test
  void aSignatureVerifiesAndAnyChangedFieldDoesNot() {
    OrderSigning ring = OrderSigning.parse("k1 " + K1 + "\n", "test");
    OrderSigning.Signature sig = ring.sign(ORDER);
    assertEquals("k1", sig.keyId());
    assertEquals(OrderSigning.Check.VALID, ring.verify(sig.keyId(), sig.value(), ORDER));
    OrderSigning.Content cheaper = new OrderSigning.Content("7-abc", 42, 7, 1, 0, 1, "2026-12-03T10:00:00Z");
    assertEquals(OrderSigning.Check.MISMATCH, ring.verify(sig.keyId(), sig.value(), cheaper));
    OrderSigning.Content otherBuyer = new OrderSigning.Content("7-abc", 43, 7, 1, 0, 1200, "2026-12-03T10:00:00Z");
    assertEquals(OrderSigning.Check.MISMATCH, ring.verify(sig.keyId(), sig.value(), otherBuyer));
    assertEquals(OrderSigning.Check.MISMATCH, ring.verify(sig.keyId(), "!!not base64!!", ORDER));
  }

  @Test
  void unsignedAndUnknownKeysAreTold() {
    OrderSigning ring = OrderSigning.parse("k1 " + K1, "test");
    assertEquals(OrderSigning.Check.UNSIGNED, ring.verify(null, null, ORDER));
    assertEquals(OrderSigning.Check.UNSIGNED, ring.verify("k1", "", ORDER));
    assertEquals(OrderSigning.Check.UNKNOWN_KEY, ring.verify("k9", ring.sign(ORDER).value(), ORDER));
  }

  @Test
  void theFirstKeySignsEveryKeyVerifies() {
    OrderSigning old = OrderSigning.parse("k1 " + K1, "test");
    OrderSigning rotated = OrderSigning.parse("# rotated\nk2 " + K2 + "\nk1 " + K1 + "\n", "test");
    assertEquals("k2", rotated.signingKeyId());
    OrderSigning.Signature before = old.sign(ORDER);
    assertEquals(OrderSigning.Check.VALID, rotated.verify(before.keyId(), before.value(), ORDER), "old records still verify");
    assertNotEquals(before.value(), rotated.sign(ORDER).value());
  }

  @Test
  void badKeyringsNameTheLine() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> OrderSigning.parse("k1 " + K1 + "\nk2 c2hvcnQ", "ring"));
    assertEquals("ring:2: the secret has 5 bytes, at least 32 are needed", e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> OrderSigning.parse("k1 " + K1 + "\nk1 " + K2, "ring"));
    assertThrows(IllegalArgumentException.class, () -> OrderSigning.parse("# nothing\n", "ring"));
    assertThrows(IllegalArgumentException.class, () -> OrderSigning.parse("just-one-field", "ring"));
  }
}
