package io.seckill.auth;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Pattern;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The HMAC-SHA256 signature of an order message (docs/design.md, "Signed order messages").
 *
 * <p>The signature covers the message's canonical content, not its JSON bytes: the line
 * {@code seckill-order-v1} and then each field on a line of its own, in the order orderId, userId,
 * productId, quantity, couponId, amountCents, requestedAt, numbers in decimal. Two encodings of the
 * same order verify alike; a changed field, amount included, does not verify. The key id and the
 * signature (base64url, no padding) travel in the record headers {@link #KEY_ID_HEADER} and
 * {@link #SIGNATURE_HEADER}.
 *
 * <p>A keyring is a file of lines {@code <key id> <base64url secret of at least 32 bytes>}; the
 * first line signs, every line verifies, so a key can be rotated without a flag day. Instances are
 * immutable and safe to share between threads.
 */
public final class OrderSigning {
  /** Header with the id of the key that signed the record. */
  public static final String KEY_ID_HEADER = "seckill-key-id";
  /** Header with the signature, base64url without padding. */
  public static final String SIGNATURE_HEADER = "seckill-signature";
  /** The first line of the canonical content: names the scheme, so a new one never verifies as this. */
  static final String VERSION = "seckill-order-v1";
  private static final Pattern KEY_ID = Pattern.compile("[A-Za-z0-9._-]{1,64}");
  private static final int MIN_SECRET_BYTES = 32;
  private static final String ALG = "HmacSHA256";

  private final String signingKeyId;
  private final Map<String, SecretKeySpec> keys;

  private OrderSigning(String signingKeyId, Map<String, SecretKeySpec> keys) {
    this.signingKeyId = signingKeyId;
    this.keys = keys;
  }

  /** The fields a signature covers. */
  public record Content(String orderId, long userId, long productId, long quantity, long couponId,
      long amountCents, String requestedAt) {
    /** The canonical bytes the HMAC runs over. */
    byte[] canonical() {
      return (VERSION + '\n' + orderId + '\n' + userId + '\n' + productId + '\n' + quantity + '\n' + couponId
          + '\n' + amountCents + '\n' + (requestedAt == null ? "" : requestedAt)).getBytes(StandardCharsets.UTF_8);
    }
  }

  /** A signature with the id of its key. */
  public record Signature(String keyId, String value) {}

  /** What checking a record's signature found. */
  public enum Check {
    /** Signed by a key of the ring, and the content is what was signed. */
    VALID,
    /** No key id or no signature header. */
    UNSIGNED,
    /** The key id is not in the ring. */
    UNKNOWN_KEY,
    /** The signature does not match the content. */
    MISMATCH
  }

  /** The keyring in {@code file} (see the class comment); fails naming the file and the line. */
  public static OrderSigning fromFile(Path file) {
    return parse(SecretFiles.read(file, "order signing keyring"), "order signing keyring " + file);
  }

  /** A keyring from its text, for tests and tools. */
  public static OrderSigning parse(String text, String source) {
    Map<String, SecretKeySpec> keys = new LinkedHashMap<>();
    String first = null;
    int lineNo = 0;
    for (String raw : text.split("\n")) {
      lineNo++;
      String line = raw.strip();
      if (line.isEmpty() || line.startsWith("#")) {
        continue;
      }
      String[] parts = line.split("\\s+");
      if (parts.length != 2 || !KEY_ID.matcher(parts[0]).matches()) {
        throw new IllegalArgumentException(source + ":" + lineNo + ": expected '<key id> <base64url secret>'");
      }
      byte[] secret;
      try {
        secret = Base64.getUrlDecoder().decode(parts[1]);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(source + ":" + lineNo + ": the secret is not base64url");
      }
      if (secret.length < MIN_SECRET_BYTES) {
        throw new IllegalArgumentException(source + ":" + lineNo + ": the secret has " + secret.length
            + " bytes, at least " + MIN_SECRET_BYTES + " are needed");
      }
      if (keys.putIfAbsent(parts[0], new SecretKeySpec(secret, ALG)) != null) {
        throw new IllegalArgumentException(source + ":" + lineNo + ": key id '" + parts[0] + "' appears twice");
      }
      if (first == null) {
        first = parts[0];
      }
    }
    if (first == null) {
      throw new IllegalArgumentException(source + ": no key");
    }
    return new OrderSigning(first, Map.copyOf(keys));
  }

  /** The id of the key {@link #sign} uses. */
  public String signingKeyId() {
    return signingKeyId;
  }

  /** Signs {@code content} with the ring's first key. */
  public Signature sign(Content content) {
    return new Signature(signingKeyId, Base64.getUrlEncoder().withoutPadding()
        .encodeToString(mac(keys.get(signingKeyId), content)));
  }

  /** Checks a record's headers against its content; null headers mean absent. */
  public Check verify(String keyId, String signature, Content content) {
    if (keyId == null || signature == null || keyId.isEmpty() || signature.isEmpty()) {
      return Check.UNSIGNED;
    }
    SecretKeySpec key = keys.get(keyId);
    if (key == null) {
      return Check.UNKNOWN_KEY;
    }
    byte[] given;
    try {
      given = Base64.getUrlDecoder().decode(signature);
    } catch (IllegalArgumentException e) {
      return Check.MISMATCH;
    }
    return MessageDigest.isEqual(given, mac(key, content)) ? Check.VALID : Check.MISMATCH;
  }

  private static byte[] mac(SecretKeySpec key, Content content) {
    try {
      // A Mac is not thread-safe and cheap to make next to the HMAC itself.
      Mac mac = Mac.getInstance(ALG);
      mac.init(key);
      return mac.doFinal(content.canonical());
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 is not available", e);
    }
  }
}
