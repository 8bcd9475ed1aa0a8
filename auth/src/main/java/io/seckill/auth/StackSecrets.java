package io.seckill.auth;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * Where the local stack keeps the secrets {@code ./seckill up} generates (mode 0600 files in
 * {@code .stack/secrets/}), and the env keys that point elsewhere. Clients of the stack (load
 * generator, bench, chaos, tests) find them here; the servers read their paths from their config.
 */
public final class StackSecrets {
  /** Env key: the HS256 secret buyer tokens are signed with. */
  public static final String BUYER_TOKEN_SECRET_ENV = "SECKILL_BUYER_TOKEN_SECRET_FILE";
  /** Env key: the keyring order messages are signed with. */
  public static final String ORDER_SIGNING_KEYS_ENV = "SECKILL_ORDER_SIGNING_KEYS_FILE";
  /** Env key: the operator token of the admin listener. */
  public static final String ADMIN_TOKEN_ENV = "SECKILL_ADMIN_TOKEN_FILE";
  /** Env key: the HMAC secret of payment-provider callbacks. */
  public static final String PAYMENT_PROVIDER_SECRET_ENV = "SECKILL_PAYMENT_PROVIDER_SECRET_FILE";
  /** Env key: the stack's directory (the launcher's {@code .stack}). */
  public static final String STACK_DIR_ENV = "SECKILL_STACK_DIR";

  private final Map<String, String> env;

  private StackSecrets(Map<String, String> env) {
    this.env = env;
  }

  /** The secrets of the stack named by the process environment (default {@code .stack} here). */
  public static StackSecrets fromEnv() {
    return of(System.getenv());
  }

  /** The secrets named by {@code env}. */
  public static StackSecrets of(Map<String, String> env) {
    return new StackSecrets(env);
  }

  /** The buyer token secret file. */
  public Path buyerTokenSecret() {
    return file(BUYER_TOKEN_SECRET_ENV, "buyer-token.key");
  }

  /** The order signing keyring file. */
  public Path orderSigningKeys() {
    return file(ORDER_SIGNING_KEYS_ENV, "order-signing.keys");
  }

  /** The admin token file. */
  public Path adminToken() {
    return file(ADMIN_TOKEN_ENV, "admin.token");
  }

  /** The payment provider's callback secret file. */
  public Path paymentProviderSecret() {
    return file(PAYMENT_PROVIDER_SECRET_ENV, "payment-provider.key");
  }

  /** The signer/verifier of provider callbacks with the stack's provider secret. */
  public ProviderSignature providerSignature() {
    return new ProviderSignature(SecretFiles.readBase64Url(paymentProviderSecret(), "payment provider secret"));
  }

  /** A minter of buyer tokens with the stack's secret. */
  public BuyerTokens buyerTokens() {
    return BuyerTokens.fromSecretFile(buyerTokenSecret());
  }

  /** The stack's order signing keyring. */
  public OrderSigning orderSigning() {
    return OrderSigning.fromFile(orderSigningKeys());
  }

  /** The stack's admin token. */
  public String adminTokenValue() {
    return SecretFiles.read(adminToken(), "admin token");
  }

  private Path file(String envKey, String name) {
    String explicit = env.get(envKey);
    if (explicit != null && !explicit.isBlank()) {
      return Path.of(explicit);
    }
    String dir = env.get(STACK_DIR_ENV);
    if (dir != null && !dir.isBlank()) {
      return Path.of(dir, "secrets", name);
    }
    // Run from the checkout (the launcher) or from a module directory in it (Maven's tests).
    Path here = Path.of(".stack");
    Path parent = Path.of("..", ".stack");
    return (Files.isDirectory(here) || !Files.isDirectory(parent) ? here : parent).resolve("secrets").resolve(name);
  }
}
