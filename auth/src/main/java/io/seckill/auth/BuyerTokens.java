package io.seckill.auth;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.UUID;

/**
 * Mints HS256 buyer tokens for the local stack: the demo, the load generator, the bench, the tests
 * and {@code ./seckill token}. The API never mints; in production an identity provider does.
 */
public final class BuyerTokens {
  /** The issuer the local stack's tokens carry (and the API expects by default). */
  public static final String LOCAL_ISSUER = "seckill-local";
  /** The audience the API expects by default. */
  public static final String AUDIENCE = "seckill-api";

  private final MACSigner signer;
  private final String issuer;
  private final String audience;

  /** A minter over an HS256 secret of at least 32 bytes. */
  public BuyerTokens(byte[] secret, String issuer, String audience) {
    try {
      this.signer = new MACSigner(secret);
    } catch (JOSEException e) {
      throw new IllegalArgumentException("HS256 needs a secret of at least 32 bytes: " + e.getMessage(), e);
    }
    this.issuer = issuer;
    this.audience = audience;
  }

  /** A minter over the base64url secret in {@code file}, with the local issuer and audience. */
  public static BuyerTokens fromSecretFile(Path file) {
    return new BuyerTokens(SecretFiles.readBase64Url(file, "buyer token secret"), LOCAL_ISSUER, AUDIENCE);
  }


  /** A token for buyer {@code userId}, valid from {@code now} for {@code ttl}. */
  public String mint(long userId, Duration ttl, Instant now) {
    if (userId < 1) {
      throw new IllegalArgumentException("userId must be positive, got " + userId);
    }
    return mint(Long.toString(userId), now, now.plus(ttl));
  }

  /** A token with any subject and validity window (tests build expired or not-yet-valid ones). */
  public String mint(String subject, Instant notBefore, Instant expires) {
    JWTClaimsSet claims = new JWTClaimsSet.Builder()
        .issuer(issuer)
        .audience(audience)
        .subject(subject)
        .issueTime(Date.from(notBefore))
        .notBeforeTime(Date.from(notBefore))
        .expirationTime(Date.from(expires))
        .jwtID(UUID.randomUUID().toString())
        .build();
    SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.HS256).type(JOSEObjectType.JWT).build(), claims);
    try {
      jwt.sign(signer);
    } catch (JOSEException e) {
      throw new IllegalStateException("cannot sign a buyer token", e);
    }
    return jwt.serialize();
  }
}
