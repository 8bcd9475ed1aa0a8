package io.seckill.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.seckill.auth.ProviderSignature.Verdict;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class ProviderSignatureTest {
  private static final byte[] SECRET = "0123456789abcdef0123456789abcdef".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] BODY = "{\"providerTxnId\":\"sim-1\",\"status\":\"SUCCEEDED\"}".getBytes(StandardCharsets.UTF_8);
  private final ProviderSignature sig = new ProviderSignature(SECRET);

  @Test
  void aSignatureVerifiesWithinTheTolerance() {
    String h = sig.sign(1_000, BODY);
    assertTrue(h.matches("t=1000,v1=[0-9a-f]{64}"), h);
    assertEquals(Verdict.VALID, sig.verify(h, BODY, 1_000, 300));
    assertEquals(Verdict.VALID, sig.verify(h, BODY, 1_300, 300));
    assertEquals(Verdict.VALID, sig.verify(h, BODY, 700, 300));
  }

  @Test
  void anOldOrFutureSignatureIsExpired() {
    String h = sig.sign(1_000, BODY);
    assertEquals(Verdict.EXPIRED, sig.verify(h, BODY, 1_301, 300));
    assertEquals(Verdict.EXPIRED, sig.verify(h, BODY, 699, 300));
  }

  @Test
  void anotherBodyTimeOrSecretIsABadSignature() {
    String h = sig.sign(1_000, BODY);
    byte[] changed = Arrays.copyOf(BODY, BODY.length);
    changed[5] ^= 1;
    assertEquals(Verdict.BAD_SIGNATURE, sig.verify(h, changed, 1_000, 300));
    assertEquals(Verdict.BAD_SIGNATURE, sig.verify(h.replace("t=1000", "t=1001"), BODY, 1_000, 300));
    byte[] other = SECRET.clone();
    other[0] ^= 1;
    assertEquals(Verdict.BAD_SIGNATURE, new ProviderSignature(other).verify(h, BODY, 1_000, 300));
  }

  @Test
  void aMissingOrMalformedHeaderIsMalformed() {
    assertEquals(Verdict.MALFORMED, sig.verify(null, BODY, 1_000, 300));
    assertEquals(Verdict.MALFORMED, sig.verify("", BODY, 1_000, 300));
    assertEquals(Verdict.MALFORMED, sig.verify("v1=abc", BODY, 1_000, 300));
    assertEquals(Verdict.MALFORMED, sig.verify("t=1000,v1=" + "A".repeat(64), BODY, 1_000, 300));
    assertEquals(Verdict.MALFORMED, sig.verify("t=-1,v1=" + "a".repeat(64), BODY, 1_000, 300));
  }

  @Test
  void aShortSecretIsRefused() {
    assertThrows(IllegalArgumentException.class, () -> new ProviderSignature(new byte[31]));
  }
}
