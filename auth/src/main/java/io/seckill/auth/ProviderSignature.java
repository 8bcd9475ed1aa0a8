package io.seckill.auth;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The signature of a payment provider's callback: header {@code Seckill-Provider-Signature:
 * t=<unix seconds>,v1=<lowercase hex HMAC-SHA256(secret, t + "." + raw body)>}. The timestamp is
 * signed with the body, so an old callback cannot be replayed with a fresh time; a callback older
 * (or newer) than the tolerance is refused as expired. Stateless and thread-safe.
 */
public final class ProviderSignature {
  /** The HTTP header that carries the signature. */
  public static final String HEADER = "Seckill-Provider-Signature";
  /** The shortest secret accepted: 256 bits. */
  public static final int MIN_SECRET_BYTES = 32;

  private static final Pattern FORMAT = Pattern.compile("t=([0-9]{1,12}),v1=([0-9a-f]{64})");

  /** What a check found. */
  public enum Verdict {
    /** Signed by the secret, within the tolerance. */
    VALID,
    /** No header, or not {@code t=...,v1=...}. */
    MALFORMED,
    /** Well-formed, but not made with the secret over this body and time. */
    BAD_SIGNATURE,
    /** Signed by the secret, but its time is outside the tolerance: a replay or a badly late delivery. */
    EXPIRED
  }

  private final byte[] secret;

  /** A signer/verifier with {@code secret} (at least {@link #MIN_SECRET_BYTES} bytes). */
  public ProviderSignature(byte[] secret) {
    if (secret == null || secret.length < MIN_SECRET_BYTES) {
      throw new IllegalArgumentException("the provider secret must be at least " + MIN_SECRET_BYTES + " bytes");
    }
    this.secret = secret.clone();
  }

  /** The header value signing {@code body} at {@code unixSeconds}. */
  public String sign(long unixSeconds, byte[] body) {
    return "t=" + unixSeconds + ",v1=" + HexFormat.of().formatHex(mac(unixSeconds, body));
  }

  /** Checks {@code header} over {@code body} at {@code nowSeconds}, allowing {@code toleranceSeconds} either way. */
  public Verdict verify(String header, byte[] body, long nowSeconds, long toleranceSeconds) {
    if (header == null) {
      return Verdict.MALFORMED;
    }
    Matcher m = FORMAT.matcher(header.strip());
    if (!m.matches()) {
      return Verdict.MALFORMED;
    }
    long t = Long.parseLong(m.group(1));
    byte[] given = HexFormat.of().parseHex(m.group(2));
    if (!MessageDigest.isEqual(given, mac(t, body))) {
      return Verdict.BAD_SIGNATURE;
    }
    return Math.abs(nowSeconds - t) > toleranceSeconds ? Verdict.EXPIRED : Verdict.VALID;
  }

  private byte[] mac(long unixSeconds, byte[] body) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(secret, "HmacSHA256"));
      mac.update((unixSeconds + ".").getBytes(StandardCharsets.US_ASCII));
      return mac.doFinal(body);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 is not available", e);
    }
  }
}
