package io.seckill.auth;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.KeySourceException;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.KeyType;
import com.nimbusds.jose.jwk.OctetSequenceKey;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.proc.BadJOSEException;
import com.nimbusds.jose.proc.DefaultJOSEObjectTypeVerifier;
import com.nimbusds.jose.proc.JWSKeySelector;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.proc.DefaultJWTClaimsVerifier;
import com.nimbusds.jwt.proc.DefaultJWTProcessor;
import com.nimbusds.jwt.proc.ExpiredJWTException;
import java.io.IOException;
import java.nio.file.Path;
import java.security.Key;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.X509EncodedKeySpec;
import java.text.ParseException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Checks the buyer's {@code Authorization: Bearer <JWT>} with Nimbus JOSE+JWT: the signature (HS256
 * with a configured secret, RS256 or ES256 with a configured public key or JWKS file), {@code exp}
 * and {@code nbf} within a bounded clock skew, {@code iss} and {@code aud}. The buyer is {@code sub},
 * which must be a positive whole number (the pipeline's userId). Thread-safe.
 *
 * <p>Only the algorithms of configured keys are accepted, so a token can never pick its own key
 * type ({@code none}, or HS256 with a public key as the secret).
 */
public final class TokenVerifier {
  /** Longest token looked at: the header limit bounds it too, this keeps parsing cheap. */
  static final int MAX_TOKEN_CHARS = 8192;
  private static final Pattern SUBJECT = Pattern.compile("[1-9][0-9]{0,18}");

  private final DefaultJWTProcessor<SecurityContext> processor;

  /** Why a request's token was refused; the name is the answer's {@code reason}. */
  public enum Reason {
    /** No {@code Authorization: Bearer} header. */
    TOKEN_MISSING,
    /** A valid token whose {@code exp} has passed (beyond the skew). */
    TOKEN_EXPIRED,
    /** Anything else: malformed, bad signature, wrong issuer or audience, not yet valid. */
    TOKEN_INVALID
  }

  /** The outcome of checking one token. */
  public sealed interface Result permits Buyer, Refused {}

  /** A valid token of buyer {@code userId}. */
  public record Buyer(long userId) implements Result {}

  /** A refused token and why, in words safe to show the caller. */
  public record Refused(Reason reason, String message) implements Result {}

  /**
   * Where the keys come from: any of the three may be null, at least one must be given.
   *
   * @param hs256Secret the shared HS256 secret (at least 32 bytes)
   * @param publicKeyPem a PEM file with one RSA or EC public key ({@code BEGIN PUBLIC KEY})
   * @param jwksFile a JWK set file (RSA and EC public keys; their {@code kid} is matched)
   */
  public record Keys(byte[] hs256Secret, Path publicKeyPem, Path jwksFile) {}

  /** A verifier over {@code keys}, expecting {@code issuer} and {@code audience}. */
  public TokenVerifier(Keys keys, String issuer, String audience, Duration clockSkew) {
    List<JWK> jwks = load(keys);
    Set<JWSAlgorithm> algs = new HashSet<>();
    for (JWK k : jwks) {
      algs.add(k.getKeyType() == KeyType.OCT ? JWSAlgorithm.HS256 : k.getKeyType() == KeyType.RSA
          ? JWSAlgorithm.RS256 : JWSAlgorithm.ES256);
    }
    processor = new DefaultJWTProcessor<>();
    // A typ header, when present, must say JWT; identity providers often leave it out.
    processor.setJWSTypeVerifier(new DefaultJOSEObjectTypeVerifier<>(JOSEObjectType.JWT, null));
    processor.setJWSKeySelector(new Selector(jwks, Set.copyOf(algs)));
    DefaultJWTClaimsVerifier<SecurityContext> claims = new DefaultJWTClaimsVerifier<>(Set.of(audience),
        new JWTClaimsSet.Builder().issuer(issuer).build(), Set.of("sub", "exp", "iss", "aud"), null);
    claims.setMaxClockSkew((int) Math.min(Integer.MAX_VALUE, clockSkew.toSeconds()));
    processor.setJWTClaimsSetVerifier(claims);
  }

  /** Checks the value of an {@code Authorization} header (null when absent). */
  public Result verify(String authorization) {
    if (authorization == null || authorization.isBlank()) {
      return new Refused(Reason.TOKEN_MISSING, "send Authorization: Bearer <token>");
    }
    if (!authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
      return new Refused(Reason.TOKEN_MISSING, "the Authorization header must be 'Bearer <token>'");
    }
    String token = authorization.substring(7).strip();
    if (token.isEmpty()) {
      return new Refused(Reason.TOKEN_MISSING, "the Bearer token is empty");
    }
    if (token.length() > MAX_TOKEN_CHARS) {
      return new Refused(Reason.TOKEN_INVALID, "token longer than " + MAX_TOKEN_CHARS + " characters");
    }
    JWTClaimsSet claims;
    try {
      claims = processor.process(token, null);
    } catch (ExpiredJWTException e) {
      return new Refused(Reason.TOKEN_EXPIRED, "token expired");
    } catch (ParseException e) {
      return new Refused(Reason.TOKEN_INVALID, "token is not a signed JWT");
    } catch (BadJOSEException e) {
      return new Refused(Reason.TOKEN_INVALID, e.getMessage());
    } catch (JOSEException e) {
      return new Refused(Reason.TOKEN_INVALID, "token signature cannot be checked");
    }
    String sub = claims.getSubject();
    if (sub == null || !SUBJECT.matcher(sub).matches()) {
      return new Refused(Reason.TOKEN_INVALID, "token subject must be a positive whole number (the buyer id)");
    }
    try {
      return new Buyer(Long.parseLong(sub));
    } catch (NumberFormatException e) {
      return new Refused(Reason.TOKEN_INVALID, "token subject is out of range");
    }
  }

  private static List<JWK> load(Keys keys) {
    List<JWK> out = new ArrayList<>();
    if (keys.hs256Secret() != null) {
      if (keys.hs256Secret().length < 32) {
        throw new IllegalArgumentException("the HS256 secret has " + keys.hs256Secret().length
            + " bytes, at least 32 are needed");
      }
      out.add(new OctetSequenceKey.Builder(keys.hs256Secret()).build());
    }
    if (keys.publicKeyPem() != null) {
      out.add(pemPublicKey(keys.publicKeyPem()));
    }
    if (keys.jwksFile() != null) {
      try {
        for (JWK k : JWKSet.load(keys.jwksFile().toFile()).getKeys()) {
          if (k.isPrivate()) {
            throw new IllegalArgumentException(keys.jwksFile() + ": holds a private key; give the public keys only");
          }
          if (k.getKeyType() == KeyType.RSA || k.getKeyType() == KeyType.EC) {
            out.add(k);
          }
        }
      } catch (IOException | ParseException e) {
        throw new IllegalArgumentException(keys.jwksFile() + ": not a readable JWK set: " + e.getMessage(), e);
      }
    }
    if (out.isEmpty()) {
      throw new IllegalArgumentException("no token key configured: give an HS256 secret, a public key PEM or a JWKS file");
    }
    return out;
  }

  private static JWK pemPublicKey(Path file) {
    String pem = SecretFiles.read(file, "token public key");
    String body = pem.replaceAll("-----(BEGIN|END) PUBLIC KEY-----", "").replaceAll("\\s", "");
    byte[] der;
    try {
      der = Base64.getDecoder().decode(body);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(file + ": not a PEM public key", e);
    }
    for (String type : List.of("RSA", "EC")) {
      try {
        PublicKey k = KeyFactory.getInstance(type).generatePublic(new X509EncodedKeySpec(der));
        if (k instanceof RSAPublicKey rsa) {
          return new RSAKey.Builder(rsa).build();
        }
        if (k instanceof ECPublicKey ec) {
          return new ECKey.Builder(com.nimbusds.jose.jwk.Curve.forECParameterSpec(ec.getParams()), ec).build();
        }
      } catch (java.security.GeneralSecurityException e) {
        // try the next key type
      }
    }
    throw new IllegalArgumentException(file + ": not an RSA or EC public key (PEM 'BEGIN PUBLIC KEY')");
  }

  /** Picks the keys of the token's algorithm, matching {@code kid} where both sides name one. */
  private record Selector(List<JWK> keys, Set<JWSAlgorithm> accepted) implements JWSKeySelector<SecurityContext> {
    @Override
    public List<? extends Key> selectJWSKeys(JWSHeader header, SecurityContext context) throws KeySourceException {
      JWSAlgorithm alg = header.getAlgorithm();
      List<Key> out = new ArrayList<>();
      if (!accepted.contains(alg)) {
        return out;
      }
      KeyType want = alg == JWSAlgorithm.HS256 ? KeyType.OCT : alg == JWSAlgorithm.RS256 ? KeyType.RSA : KeyType.EC;
      for (JWK k : keys) {
        if (k.getKeyType() != want) {
          continue;
        }
        if (header.getKeyID() != null && k.getKeyID() != null && !header.getKeyID().equals(k.getKeyID())) {
          continue;
        }
        try {
          out.add(k instanceof OctetSequenceKey o ? o.toSecretKey() : k instanceof RSAKey r ? r.toPublicKey()
              : ((ECKey) k).toPublicKey());
        } catch (JOSEException e) {
          throw new KeySourceException("unusable key " + k.getKeyID(), e);
        }
      }
      return out;
    }
  }
}
