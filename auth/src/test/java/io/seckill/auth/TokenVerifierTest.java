package io.seckill.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.PlainHeader;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.PlainJWT;
import com.nimbusds.jwt.SignedJWT;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TokenVerifierTest {
  private static final byte[] SECRET = "0123456789abcdef0123456789abcdef".getBytes();
  private static final byte[] OTHER = "fedcba9876543210fedcba9876543210".getBytes();
  private static final Instant NOW = Instant.now();

  private final TokenVerifier hs = new TokenVerifier(new TokenVerifier.Keys(SECRET, null, null),
      BuyerTokens.LOCAL_ISSUER, BuyerTokens.AUDIENCE, Duration.ofSeconds(30));
  private final BuyerTokens mint = new BuyerTokens(SECRET, BuyerTokens.LOCAL_ISSUER, BuyerTokens.AUDIENCE);

  private static TokenVerifier.Reason reason(TokenVerifier.Result r) {
    return assertInstanceOf(TokenVerifier.Refused.class, r, "refused").reason();
  }

  @Test
  void aValidTokenNamesItsBuyer() {
    TokenVerifier.Result r = hs.verify("Bearer " + mint.mint(42, Duration.ofMinutes(5), NOW));
    assertEquals(new TokenVerifier.Buyer(42), r);
    // The scheme is case-insensitive (RFC 7235).
    assertEquals(new TokenVerifier.Buyer(42), hs.verify("bearer " + mint.mint(42, Duration.ofMinutes(5), NOW)));
  }

  @Test
  void missingHeadersAreTokenMissing() {
    assertEquals(TokenVerifier.Reason.TOKEN_MISSING, reason(hs.verify(null)));
    assertEquals(TokenVerifier.Reason.TOKEN_MISSING, reason(hs.verify("")));
    assertEquals(TokenVerifier.Reason.TOKEN_MISSING, reason(hs.verify("Basic dXNlcjpwYXNz")));
    assertEquals(TokenVerifier.Reason.TOKEN_MISSING, reason(hs.verify("Bearer ")));
  }

  @Test
  void anExpiredTokenIsTokenExpiredButTheSkewIsAllowed() {
    String expired = mint.mint("42", NOW.minusSeconds(600), NOW.minusSeconds(120));
    assertEquals(TokenVerifier.Reason.TOKEN_EXPIRED, reason(hs.verify("Bearer " + expired)));
    String justExpired = mint.mint("42", NOW.minusSeconds(600), NOW.minusSeconds(10));
    assertEquals(new TokenVerifier.Buyer(42), hs.verify("Bearer " + justExpired), "within the 30 s skew");
  }

  @Test
  void aTokenNotYetValidIsInvalid() {
    String future = mint.mint("42", NOW.plusSeconds(600), NOW.plusSeconds(1200));
    assertEquals(TokenVerifier.Reason.TOKEN_INVALID, reason(hs.verify("Bearer " + future)));
  }

  @Test
  void aForgedSignatureWrongAudienceOrIssuerIsInvalid() {
    String forged = new BuyerTokens(OTHER, BuyerTokens.LOCAL_ISSUER, BuyerTokens.AUDIENCE).mint(42, Duration.ofMinutes(5), NOW);
    assertEquals(TokenVerifier.Reason.TOKEN_INVALID, reason(hs.verify("Bearer " + forged)));
    String audience = new BuyerTokens(SECRET, BuyerTokens.LOCAL_ISSUER, "another-api").mint(42, Duration.ofMinutes(5), NOW);
    assertEquals(TokenVerifier.Reason.TOKEN_INVALID, reason(hs.verify("Bearer " + audience)));
    String issuer = new BuyerTokens(SECRET, "someone-else", BuyerTokens.AUDIENCE).mint(42, Duration.ofMinutes(5), NOW);
    assertEquals(TokenVerifier.Reason.TOKEN_INVALID, reason(hs.verify("Bearer " + issuer)));
    String valid = mint.mint(42, Duration.ofMinutes(5), NOW);
    String tampered = valid.substring(0, valid.lastIndexOf('.') - 2) + "xx" + valid.substring(valid.lastIndexOf('.'));
    assertEquals(TokenVerifier.Reason.TOKEN_INVALID, reason(hs.verify("Bearer " + tampered)));
    assertEquals(TokenVerifier.Reason.TOKEN_INVALID, reason(hs.verify("Bearer not-a-jwt")));
  }

  @Test
  void unsignedTokensAndNonNumericSubjectsAreInvalid() {
    JWTClaimsSet claims = new JWTClaimsSet.Builder().issuer(BuyerTokens.LOCAL_ISSUER).audience(BuyerTokens.AUDIENCE)
        .subject("42").expirationTime(Date.from(NOW.plusSeconds(300))).build();
    String none = new PlainJWT(new PlainHeader(), claims).serialize();
    assertEquals(TokenVerifier.Reason.TOKEN_INVALID, reason(hs.verify("Bearer " + none)));
    String uuid = mint.mint("2f0c3c1e-7d9b-4b6a-9b7e-1f0e8c3a9d21", NOW, NOW.plusSeconds(300));
    assertEquals(TokenVerifier.Reason.TOKEN_INVALID, reason(hs.verify("Bearer " + uuid)));
    assertEquals(TokenVerifier.Reason.TOKEN_INVALID, reason(hs.verify("Bearer " + "a".repeat(9000))));
  }

  @Test
  void rs256WithAPemPublicKey(@TempDir Path dir) throws Exception {
    KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
    g.initialize(2048);
    KeyPair kp = g.generateKeyPair();
    Path pem = dir.resolve("idp.pem");
    Files.writeString(pem, "-----BEGIN PUBLIC KEY-----\n"
        + Base64.getMimeEncoder(64, "\n".getBytes()).encodeToString(kp.getPublic().getEncoded())
        + "\n-----END PUBLIC KEY-----\n");
    TokenVerifier rs = new TokenVerifier(new TokenVerifier.Keys(null, pem, null), "idp", "seckill-api", Duration.ZERO);
    SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID("any").build(), claims("idp", "7"));
    jwt.sign(new RSASSASigner(kp.getPrivate()));
    assertEquals(new TokenVerifier.Buyer(7), rs.verify("Bearer " + jwt.serialize()));
    // Only the configured key type is accepted: an HS256 token gets nowhere.
    assertEquals(TokenVerifier.Reason.TOKEN_INVALID,
        reason(rs.verify("Bearer " + new BuyerTokens(SECRET, "idp", "seckill-api").mint(7, Duration.ofMinutes(5), NOW))));
  }

  @Test
  void es256WithAJwksFileMatchesTheKeyId(@TempDir Path dir) throws Exception {
    ECKey key = new ECKeyGenerator(Curve.P_256).keyID("k-2026").generate();
    ECKey stranger = new ECKeyGenerator(Curve.P_256).keyID("k-2026").generate();
    Path jwks = dir.resolve("jwks.json");
    Files.writeString(jwks, new JWKSet(key.toPublicJWK()).toString());
    TokenVerifier es = new TokenVerifier(new TokenVerifier.Keys(null, null, jwks), "idp", "seckill-api", Duration.ZERO);
    SignedJWT good = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.ES256).keyID("k-2026").build(), claims("idp", "9"));
    good.sign(new ECDSASigner(key));
    assertEquals(new TokenVerifier.Buyer(9), es.verify("Bearer " + good.serialize()));
    SignedJWT bad = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.ES256).keyID("k-2026").build(), claims("idp", "9"));
    bad.sign(new ECDSASigner(stranger));
    assertEquals(TokenVerifier.Reason.TOKEN_INVALID, reason(es.verify("Bearer " + bad.serialize())));
    SignedJWT unknownKid = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.ES256).keyID("k-old").build(), claims("idp", "9"));
    unknownKid.sign(new ECDSASigner(key));
    assertEquals(TokenVerifier.Reason.TOKEN_INVALID, reason(es.verify("Bearer " + unknownKid.serialize())));
  }

  @Test
  void refusesConfigurationsThatCannotVerify(@TempDir Path dir) throws Exception {
    assertThrows(IllegalArgumentException.class, () -> new TokenVerifier(new TokenVerifier.Keys(null, null, null),
        "i", "a", Duration.ZERO));
    assertThrows(IllegalArgumentException.class, () -> new TokenVerifier(new TokenVerifier.Keys("short".getBytes(), null, null),
        "i", "a", Duration.ZERO));
    Path priv = dir.resolve("private.json");
    Files.writeString(priv, new JWKSet(new ECKeyGenerator(Curve.P_256).generate()).toString(false));
    assertThrows(IllegalArgumentException.class, () -> new TokenVerifier(new TokenVerifier.Keys(null, null, priv),
        "i", "a", Duration.ZERO), "a JWKS with a private key is a leak, not a configuration");
  }

  private static JWTClaimsSet claims(String issuer, String sub) {
    return new JWTClaimsSet.Builder().issuer(issuer).audience("seckill-api").subject(sub)
        .expirationTime(Date.from(NOW.plusSeconds(300))).notBeforeTime(Date.from(NOW.minusSeconds(5))).build();
  }
}
