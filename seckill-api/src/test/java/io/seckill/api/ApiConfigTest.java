package io.seckill.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.seckill.runtime.ConfigException;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;

class ApiConfigTest {
  private static Properties packaged() {
    Properties p = new Properties();
    ApiConfig.load(); // fails if the packaged file is missing
    try (var in = ApiConfig.class.getClassLoader().getResourceAsStream("seckill-api.properties")) {
      p.load(in);
    } catch (java.io.IOException e) {
      throw new AssertionError(e);
    }
    return p;
  }

  /** What the launcher (or a deployment) adds to the packaged file: where the keys are. */
  private static final Map<String, String> KEYS = Map.of("SECKILL_BUYER_TOKEN_SECRET_FILE", "/run/secrets/buyer-token.key",
      "SECKILL_ADMIN_TOKEN_FILE", "/run/secrets/admin.token",
      "SECKILL_PAYMENT_PROVIDER_SECRET_FILE", "/run/secrets/payment-provider.key");
  private static final String PAY = "SECKILL_PAYMENT_PROVIDER_SECRET_FILE";

  @Test
  void packagedSettingsAreCompleteOnceTheKeysAreGiven() {
    ApiConfig.of(packaged(), KEYS).validate();
  }

  @Test
  void refusesToStartWithoutABuyerTokenKey() {
    ConfigException e = assertThrows(ConfigException.class,
        () -> ApiConfig.of(packaged(), Map.of("SECKILL_ADMIN_TOKEN_FILE", "/run/secrets/admin.token")).validate());
    assertTrue(e.getMessage().contains("no buyer token key") && e.getMessage().contains("SECKILL_BUYER_TOKEN_SECRET_FILE"),
        e.getMessage());
    ApiConfig.of(packaged(), Map.of("SECKILL_ADMIN_TOKEN_FILE", "/a", "SECKILL_BUYER_TOKEN_JWKS_FILE", "/idp/jwks.json", PAY, "/p"))
        .validate();
  }

  @Test
  void refusesToStartWithoutAnAdminTokenUnlessTheDevFlagSaysSo() {
    ConfigException e = assertThrows(ConfigException.class,
        () -> ApiConfig.of(packaged(), Map.of("SECKILL_BUYER_TOKEN_SECRET_FILE", "/k")).validate());
    assertTrue(e.getMessage().contains("no operator token") && e.getMessage().contains("SECKILL_ADMIN_TOKEN_FILE"),
        e.getMessage());
    ApiConfig.of(packaged(), Map.of("SECKILL_BUYER_TOKEN_SECRET_FILE", "/k", "SECKILL_API_ADMIN_ALLOW_NO_TOKEN", "true", PAY, "/p"))
        .validate();
    ApiConfig.of(packaged(), Map.of("SECKILL_BUYER_TOKEN_SECRET_FILE", "/k", "SECKILL_ADMIN_TOKEN", "a-literal-token-value", PAY, "/p"))
        .validate();
  }

  @Test
  void refusesToStartWithoutAPaymentProviderSecret() {
    ConfigException e = assertThrows(ConfigException.class, () -> ApiConfig.of(packaged(),
        Map.of("SECKILL_BUYER_TOKEN_SECRET_FILE", "/k", "SECKILL_ADMIN_TOKEN_FILE", "/a")).validate());
    assertTrue(e.getMessage().contains("payment.provider-secret-file") && e.getMessage().contains(PAY), e.getMessage());
  }

  @Test
  void theSagaEndpointsHaveLocalDefaultsAndTheLaunchersEnvNames() {
    ApiConfig c = ApiConfig.of(packaged(), Map.of());
    assertEquals("127.0.0.1:36790", c.address(ApiConfig.DTM_HOST, ApiConfig.DTM_GRPC_PORT));
    assertEquals(36789, c.get(ApiConfig.DTM_HTTP_PORT));
    assertEquals("127.0.0.1:9002", c.address(ApiConfig.PRODUCT_HOST, ApiConfig.PRODUCT_PORT));
    assertEquals("127.0.0.1:9004", c.address(ApiConfig.PAY_HOST, ApiConfig.PAY_PORT));
    assertEquals(9005, c.get(ApiConfig.GRPC_PORT));
    assertEquals("127.0.0.1", c.get(ApiConfig.GRPC_HOST));
    ApiConfig env = ApiConfig.of(packaged(), Map.of("SECKILL_DTM_GRPC_PORT", "1", "SECKILL_DTM_HTTP_PORT", "2",
        "SECKILL_PAY_GRPC_PORT", "3", "SECKILL_PRODUCT_GRPC_PORT", "4", "SECKILL_API_GRPC_PORT", "5"));
    assertEquals("127.0.0.1:1", env.address(ApiConfig.DTM_HOST, ApiConfig.DTM_GRPC_PORT));
    assertEquals(2, env.get(ApiConfig.DTM_HTTP_PORT));
    assertEquals("127.0.0.1:3", env.address(ApiConfig.PAY_HOST, ApiConfig.PAY_PORT));
    assertEquals("127.0.0.1:4", env.address(ApiConfig.PRODUCT_HOST, ApiConfig.PRODUCT_PORT));
    assertEquals(5, env.get(ApiConfig.GRPC_PORT));
    assertEquals(1.0, c.get(ApiConfig.PAYMENT_SIM_SUCCESS));
    assertEquals(200, c.get(ApiConfig.PAYMENT_SIM_DELAY_MS));
  }

  @Test
  void badTrustedProxiesNameThemselves() {
    Map<String, String> env = new java.util.HashMap<>(KEYS);
    env.put("SECKILL_API_HTTP_TRUSTED_PROXIES", "10.0.0.0/8, proxy.example.com");
    ConfigException e = assertThrows(ConfigException.class, () -> ApiConfig.of(packaged(), env).validate());
    assertTrue(e.getMessage().contains("http.trusted-proxies"), e.getMessage());
  }

  @Test
  void aMissingKeyNamesItself() {
    Properties p = packaged();
    p.remove("redis.port");
    ConfigException e = assertThrows(ConfigException.class,
        () -> ApiConfig.of(p, KEYS).validate());
    assertTrue(e.getMessage().contains("missing setting 'redis.port'"), e.getMessage());
    assertTrue(e.getMessage().contains("SECKILL_REDIS_PORT"), e.getMessage());
  }

  @Test
  void aBadValueNamesItself() {
    ConfigException e = assertThrows(ConfigException.class,
        () -> ApiConfig.of(packaged(), Map.of("SECKILL_API_PORT", "eighty", "SECKILL_ADMIN_TOKEN_FILE", "/a",
            "SECKILL_BUYER_TOKEN_SECRET_FILE", "/k")).validate());
    assertTrue(e.getMessage().contains("'api.port' = 'eighty'"), e.getMessage());
  }

  @Test
  void tracingIsOffByDefaultAndABadEndpointNamesItsKey() {
    ApiConfig off = ApiConfig.of(packaged(), KEYS).validate();
    try (io.seckill.runtime.tracing.Tracing t = off.tracing()) {
      assertFalse(t.enabled());
    }
    Map<String, String> env = new java.util.HashMap<>(KEYS);
    env.put("SECKILL_TRACING_OTLP_ENDPOINT", "localhost:4318");
    ConfigException e = assertThrows(ConfigException.class, () -> ApiConfig.of(packaged(), env).validate());
    assertTrue(e.getMessage().contains("'tracing.otlp-endpoint' = 'localhost:4318'"), e.getMessage());
    assertTrue(e.getMessage().contains("SECKILL_API_TRACING_OTLP_ENDPOINT"), e.getMessage());
  }

  @Test
  void envOverridesTheFileAndTheApiPrefixWins() {
    ApiConfig c = ApiConfig.of(packaged(), Map.of("SECKILL_REDIS_PORT", "6380", "SECKILL_API_REDIS_PORT", "6381",
        "SECKILL_KAFKA_PORT", "9093"));
    assertEquals(6381, c.get(ApiConfig.REDIS_PORT));
    assertEquals("127.0.0.1:9093", c.address(ApiConfig.KAFKA_HOST, ApiConfig.KAFKA_PORT));
    assertEquals(6000, c.with(Map.of(ApiConfig.REDIS_PORT.name(), "6000")).get(ApiConfig.REDIS_PORT));
  }

  @Test
  void anOutOfRangeValueNamesTheKeyItsRangeAndItsEnvNames() {
    Map<String, String> env = new java.util.HashMap<>(KEYS);
    env.put("SECKILL_API_HTTP_IO_THREADS", "65");
    ConfigException e = assertThrows(ConfigException.class, () -> ApiConfig.of(packaged(), env).validate());
    assertTrue(e.getMessage().contains("bad setting 'http.io-threads' = '65': is outside 1..64"), e.getMessage());
    assertTrue(e.getMessage().contains("SECKILL_API_HTTP_IO_THREADS / SECKILL_HTTP_IO_THREADS"), e.getMessage());
  }

  @Test
  void theCheckedValuesAreTyped() {
    ApiConfig c = ApiConfig.of(packaged(), KEYS).validate();
    assertEquals(java.util.Optional.of(java.nio.file.Path.of("/run/secrets/buyer-token.key")),
        c.get(ApiConfig.TOKEN_SECRET_FILE));
    assertEquals(java.util.Optional.empty(), c.get(ApiConfig.TOKEN_JWKS_FILE));
    assertEquals(List.of(), c.get(ApiConfig.TRUSTED_PROXIES));
    assertEquals(20, c.get(ApiConfig.SALES_DEMO_PRODUCTS).size());
    assertEquals("none", c.get(ApiConfig.KAFKA_COMPRESSION));
    assertEquals(200L, c.get(ApiConfig.COUPON_FIXED_DISCOUNT));
    assertEquals(true, c.get(ApiConfig.EXPIRY_ENABLED));
    assertEquals("127.0.0.1:36790", c.dtm().grpcTarget());
    assertEquals("http://127.0.0.1:36789", c.dtm().httpBase().toString());
    assertEquals(java.time.Duration.ofMillis(2000), c.dtm().callTimeout(), "DTM calls share the RPC deadline");
    ConfigException compression = assertThrows(ConfigException.class,
        () -> c.with(Map.of(ApiConfig.KAFKA_COMPRESSION.name(), "brotli")).validate());
    assertTrue(compression.getMessage().contains("'kafka.compression' = 'brotli': is not one of none, lz4"),
        compression.getMessage());
  }

  @Test
  void theDeliveryTimeoutMustExceedTheLinger() {
    ConfigException e = assertThrows(ConfigException.class, () -> ApiConfig.of(packaged(), KEYS)
        .with(Map.of(ApiConfig.KAFKA_DELIVERY_TIMEOUT_MS.name(), "1000", ApiConfig.KAFKA_LINGER_MS.name(), "1000"))
        .validate());
    assertTrue(e.getMessage().contains("bad setting 'kafka.delivery-timeout-ms' = '1000': must exceed kafka.linger-ms"),
        e.getMessage());
  }

  @Test
  void parsesIdLists() {
    assertEquals(List.of(1L, 2L, 3L, 7L), ApiConfig.parseIds("1-3, 7"));
    assertThrows(IllegalArgumentException.class, () -> ApiConfig.parseIds("3-1"));
    assertThrows(IllegalArgumentException.class, () -> ApiConfig.parseIds("x"));
  }
}
