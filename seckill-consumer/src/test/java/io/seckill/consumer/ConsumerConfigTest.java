package io.seckill.consumer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.seckill.runtime.ConfigException;
import java.io.InputStream;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;

class ConsumerConfigTest {
  private static Properties shipped() throws Exception {
    Properties p = new Properties();
    try (InputStream in = ConsumerConfigTest.class.getClassLoader().getResourceAsStream("consumer.properties")) {
      p.load(in);
    }
    return p;
  }

  @Test
  void theShippedFileIsValid() throws Exception {
    ConsumerConfig c = ConsumerConfig.of(shipped(), Map.of()).validate();
    assertEquals("seckill.orders", c.topic());
    assertEquals("seckill.orders.dlq", c.dlqTopic());
    assertEquals(256, c.maxInFlight());
    assertEquals(9100, c.metricsPort());
    assertEquals("127.0.0.1:9003", c.branch("coupon"));
    assertTrue(c.requireSignature(), "signatures are required unless switched off");
    assertEquals(java.nio.file.Path.of(".stack/secrets/order-signing.keys"), c.orderSigningKeysFile());
  }

  @Test
  void theSignatureSettingsFollowTheSharedEnvNames() throws Exception {
    ConsumerConfig c = ConsumerConfig.of(shipped(), Map.of("SECKILL_CONSUMER_REQUIRE_SIGNATURE", "false",
        "SECKILL_ORDER_SIGNING_KEYS_FILE", "/run/secrets/order-signing.keys")).validate();
    assertEquals(false, c.requireSignature());
    assertEquals(java.nio.file.Path.of("/run/secrets/order-signing.keys"), c.orderSigningKeysFile());
    ConfigException e = assertThrows(ConfigException.class, () -> ConsumerConfig.of(shipped(),
        Map.of("SECKILL_CONSUMER_REQUIRE_SIGNATURE", "yes")).validate());
    assertTrue(e.getMessage().contains("'consumer.require-signature'"), e.getMessage());
  }

  @Test
  void aMissingKeyNamesItselfAndEveryOtherProblem() throws Exception {
    Properties p = shipped();
    p.remove("consumer.topic");
    p.setProperty("consumer.max-in-flight", "lots");
    ConfigException e = assertThrows(ConfigException.class, () -> ConsumerConfig.of(p, Map.of()).validate());
    assertTrue(e.getMessage().contains("'consumer.topic'"), e.getMessage());
    assertTrue(e.getMessage().contains("SECKILL_CONSUMER_CONSUMER_TOPIC"), e.getMessage());
    assertTrue(e.getMessage().contains("'consumer.max-in-flight'"), e.getMessage());
  }

  @Test
  void envOverridesAndTheLaunchersPortVariables() throws Exception {
    ConsumerConfig c = ConsumerConfig.of(shipped(), Map.of(
        "SECKILL_CONSUMER_CONSUMER_MAX_IN_FLIGHT", "512",
        "SECKILL_KAFKA_PORT", "19092",
        "SECKILL_ORDER_GRPC_PORT", "19001",
        "SECKILL_DTM_GRPC_PORT", "46790",
        "SECKILL_DTM_HTTP_PORT", "46789")).validate();
    assertEquals(512, c.maxInFlight());
    assertEquals("127.0.0.1:19092", c.bootstrapServers());
    assertEquals("127.0.0.1:19001", c.branch("order"));
    assertEquals("127.0.0.1:46790", c.dtm().grpcTarget());
    assertEquals("http://127.0.0.1:46789", c.dtm().httpBase().toString());
    ConsumerConfig explicit = ConsumerConfig.of(shipped(), Map.of(
        "SECKILL_KAFKA_BOOTSTRAP_SERVERS", "k1:9092,k2:9092", "SECKILL_KAFKA_PORT", "19092"));
    assertEquals("k1:9092,k2:9092", explicit.bootstrapServers(), "an explicit key wins over the port variable");
  }

  @Test
  void aBadHaltStepIsRefused() throws Exception {
    Properties p = shipped();
    p.setProperty("test.halt-at", "SOMETIME");
    assertThrows(ConfigException.class, () -> ConsumerConfig.of(p, Map.of()).validate());
  }

  @Test
  void tracingIsOffByDefaultAndAMissingOrBadKeyNamesItself() throws Exception {
    assertTrue(!ConsumerConfig.of(shipped(), Map.of()).validate().tracingSettings().enabled());
    ConfigException bad = assertThrows(ConfigException.class, () -> ConsumerConfig.of(shipped(),
        Map.of("SECKILL_CONSUMER_TRACING_SAMPLE_RATIO", "2")).validate());
    assertTrue(bad.getMessage().contains("'tracing.sample-ratio' = '2'"), bad.getMessage());
    Properties p = shipped();
    p.remove("tracing.otlp-endpoint");
    ConfigException missing = assertThrows(ConfigException.class, () -> ConsumerConfig.of(p, Map.of()).validate());
    assertTrue(missing.getMessage().contains("missing setting 'tracing.otlp-endpoint'"), missing.getMessage());
  }
}
