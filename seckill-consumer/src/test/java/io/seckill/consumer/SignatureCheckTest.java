package io.seckill.consumer;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.seckill.auth.OrderSigning;
import io.seckill.proto.codec.Decoded;
import io.seckill.proto.codec.DlqReason;
import io.seckill.proto.codec.OrderCodec;
import io.seckill.runtime.ConfigException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The signature decision, pure: no Kafka, no stack. */
class SignatureCheckTest {
  private static final String KEYRING = "k1 " + "A".repeat(43) + "\nk0 " + "B".repeat(43) + "\n";
  private static final OrderSigning RING = OrderSigning.parse(KEYRING, "test keyring");
  private static final OrderSigning OTHER_RING = OrderSigning.parse("k9 " + "C".repeat(43), "other keyring");
  private final OrderCodec codec = new OrderCodec(1024, 10);

  private static byte[] b(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  /** What a signature of the record {@code json} must cover, as the consumer reads it. */
  private OrderSigning.Content signedContent(String json) {
    return SignatureCheck.content(codec.decode(null, b(json)).orElseThrow(i -> new AssertionError(i.toString())));
  }

  private static Headers signed(OrderSigning ring, OrderSigning.Content content) {
    OrderSigning.Signature sig = ring.sign(content);
    return headers(sig.keyId(), sig.value());
  }

  private static Headers headers(String keyId, String signature) {
    RecordHeaders h = new RecordHeaders();
    if (keyId != null) {
      h.add(OrderSigning.KEY_ID_HEADER, b(keyId));
    }
    if (signature != null) {
      h.add(OrderSigning.SIGNATURE_HEADER, b(signature));
    }
    return h;
  }

  private static String refusal(SignatureCheck check, Headers headers, OrderSigning.Content content) {
    try {
      check.verify(headers, content);
      return null;
    } catch (Poison.Rejected e) {
      assertEquals(DlqReason.BAD_SIGNATURE, e.poison.reason());
      return e.poison.detail();
    }
  }

  /** The same through the consumer's call, with the record as the codec decoded it. */
  private static String refusal(SignatureCheck check, Headers headers, Decoded.Valid decoded) {
    try {
      check.verify(headers, decoded);
      return null;
    } catch (Poison.Rejected e) {
      assertEquals(DlqReason.BAD_SIGNATURE, e.poison.reason());
      return e.poison.detail();
    }
  }

  @Test
  void onlyAValidSignatureOrAnUnrequiredAbsentOnePasses() {
    for (boolean required : new boolean[] {true, false}) {
      assertNull(SignatureCheck.refusal(OrderSigning.Check.VALID, required, "k1"));
      assertTrue(SignatureCheck.refusal(OrderSigning.Check.UNKNOWN_KEY, required, "k7").startsWith("unknown key"));
      assertTrue(SignatureCheck.refusal(OrderSigning.Check.MISMATCH, required, "k1").startsWith("mismatch"));
    }
    assertTrue(SignatureCheck.refusal(OrderSigning.Check.UNSIGNED, true, null).startsWith("unsigned"));
    assertNull(SignatureCheck.refusal(OrderSigning.Check.UNSIGNED, false, null));
  }

  @Test
  void theProducersSignatureOverTheParsedContentVerifies() {
    String json = "{\"orderId\":\"o-1\",\"userId\":7,\"productId\":3,\"quantity\":2,\"couponId\":5,"
        + "\"amountCents\":1800,\"requestedAt\":\"2026-11-22T10:00:00.000Z\"}";
    OrderSigning.Content asWritten = new OrderSigning.Content("o-1", 7, 3, 2, 5, 1800, "2026-11-22T10:00:00.000Z");
    OrderSigning.Content signed = signedContent(json);
    assertEquals(asWritten, signed, "requestedAt as written, not normalised");
    Decoded.Valid decoded = (Decoded.Valid) codec.decode(null, b(json));
    assertEquals("2026-11-22T10:00:00Z", decoded.order().getRequestedAt());
    assertNull(refusal(new SignatureCheck(RING, true), signed(RING, asWritten), decoded));
    SignatureCheck check = new SignatureCheck(RING, true);
    assertNull(refusal(check, signed(RING, asWritten), signed));
    // Every key of the ring verifies, not only the one that signs now (rotation).
    OrderSigning oldSigner = OrderSigning.parse("k0 " + "B".repeat(43), "old signer");
    assertNull(refusal(check, signed(oldSigner, asWritten), signed));
  }

  @Test
  void absentOptionalFieldsAreSignedAsTheirDefaults() {
    OrderSigning.Content c = signedContent("{\"orderId\":\"a\",\"userId\":1,\"productId\":1,\"quantity\":1,\"amountCents\":0}");
    assertEquals(new OrderSigning.Content("a", 1, 1, 1, 0, 0, ""), c);
  }

  @Test
  void unsignedUnknownKeyAndChangedContentAreRefusedSayingWhich() {
    String json = "{\"orderId\":\"o-2\",\"userId\":7,\"productId\":3,\"quantity\":1,\"amountCents\":1000}";
    OrderSigning.Content content = signedContent(json);
    SignatureCheck check = new SignatureCheck(RING, true);
    assertTrue(refusal(check, new RecordHeaders(), content).startsWith("unsigned"));
    assertTrue(refusal(check, headers("k1", null), content).startsWith("unsigned"), "a key id alone is no signature");
    assertTrue(refusal(check, signed(OTHER_RING, content), content).startsWith("unknown key: key id 'k9'"));
    OrderSigning.Content cheaper = signedContent(json.replace("1000", "1"));
    assertTrue(refusal(check, signed(RING, content), cheaper).startsWith("mismatch"), "amount changed after signing");
    assertTrue(refusal(check, headers("k1", "not base64url!"), content).startsWith("mismatch"));
  }

  @Test
  void notRequiredAcceptsUnsignedButStillChecksAPresentSignature() {
    String json = "{\"orderId\":\"o-3\",\"userId\":7,\"productId\":3,\"quantity\":1,\"amountCents\":1000}";
    OrderSigning.Content content = signedContent(json);
    OrderSigning.Content changed = signedContent(json.replace("\"userId\":7", "\"userId\":8"));
    SignatureCheck lax = new SignatureCheck(RING, false);
    assertNull(refusal(lax, new RecordHeaders(), content));
    assertNull(refusal(lax, signed(RING, content), content));
    assertTrue(refusal(lax, signed(RING, content), changed).startsWith("mismatch"));
    assertTrue(refusal(lax, signed(OTHER_RING, content), content).startsWith("unknown key"));
    SignatureCheck noRing = new SignatureCheck(null, false);
    assertNull(refusal(noRing, new RecordHeaders(), content));
    assertTrue(refusal(noRing, signed(RING, content), content).startsWith("unknown key"),
        "without a keyring a signature cannot be taken on trust");
  }

  @Test
  void aProducersKeyIdIsQuotedSafely() {
    String detail = SignatureCheck.refusal(OrderSigning.Check.UNKNOWN_KEY, true, "evil\n'id" + "x".repeat(100));
    assertFalse(detail.contains("\n"), detail);
    assertTrue(detail.length() < 160, detail);
  }

  private static Properties shipped() throws Exception {
    Properties p = new Properties();
    try (InputStream in = SignatureCheckTest.class.getClassLoader().getResourceAsStream("consumer.properties")) {
      p.load(in);
    }
    return p;
  }

  @Test
  void aMissingKeyringStopsTheStartNamingTheKeyAndTheFile(@TempDir Path dir) throws Exception {
    Path missing = dir.resolve("nope.keys");
    ConsumerSettings config = ConsumerSettings.of(shipped(), Map.of("SECKILL_ORDER_SIGNING_KEYS_FILE", missing.toString()))
        .validate();
    ConfigException e = assertThrows(ConfigException.class, () -> SignatureCheck.fromConfig(config));
    assertTrue(e.getMessage().contains("'order-signing.keys-file'"), e.getMessage());
    assertTrue(e.getMessage().contains(missing.toString()), e.getMessage());
    assertTrue(e.getMessage().contains("consumer.require-signature"), e.getMessage());

    ConsumerSettings lax = ConsumerSettings.of(shipped(), Map.of("SECKILL_ORDER_SIGNING_KEYS_FILE", missing.toString(),
        "SECKILL_CONSUMER_REQUIRE_SIGNATURE", "false")).validate();
    assertFalse(assertDoesNotThrow(() -> SignatureCheck.fromConfig(lax)).required());

    Path file = Files.writeString(dir.resolve("ring.keys"), KEYRING);
    ConsumerSettings ok = ConsumerSettings.of(shipped(), Map.of("SECKILL_ORDER_SIGNING_KEYS_FILE", file.toString()))
        .validate();
    assertTrue(SignatureCheck.fromConfig(ok).required());

    Path bad = Files.writeString(dir.resolve("bad.keys"), "k1 short\n");
    ConsumerSettings broken = ConsumerSettings.of(shipped(), Map.of("SECKILL_ORDER_SIGNING_KEYS_FILE", bad.toString(),
        "SECKILL_CONSUMER_REQUIRE_SIGNATURE", "false")).validate();
    assertThrows(ConfigException.class, () -> SignatureCheck.fromConfig(broken), "a broken keyring is never ignored");
  }
}
