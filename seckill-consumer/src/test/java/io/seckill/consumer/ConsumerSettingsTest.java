package io.seckill.consumer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.seckill.runtime.ConfigException;
import java.io.InputStream;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;

class ConsumerSettingsTest {
  private static Properties shipped() throws Exception {
    Properties p = new Properties();
    try (InputStream in = ConsumerSettingsTest.class.getClassLoader().getResourceAsStream("consumer.properties")) {
      p.load(in);
    }
    return p;
  }

  @Test
  void theShippedFileIsValid() throws Exception {
    ConsumerSettings c = ConsumerSettings.of(shipped(), Map.of()).validate();
    assertEquals("seckill.orders", c.topic());
    assertEquals("seckill.orders.dlq", c.dlqTopic());
    assertEquals(256, c.maxInFlight());
    assertEquals(9100, c.metricsPort());
    assertEquals("127.0.0.1:9003", c.branch("coupon"));
    assertTrue(c.requireSignature(), "signatures are required unless switched off");
    assertEquals(java.nio.file.Path.of(".stack/secrets/order-signing.keys"), c.orderSigningKeysFile());
    assertEquals(java.time.Duration.ofMillis(100), c.pollTimeout());
    assertEquals(java.time.Duration.ofSeconds(60), c.timeoutToFail());
    assertEquals(java.time.Duration.ofSeconds(5), c.dtm().callTimeout(), "the file's 5000 ms beats DTM's 10 s default");
    assertEquals("127.0.0.1:36790", c.dtm().grpcTarget());
    assertEquals("127.0.0.1:9092", c.bootstrapServers());
  }

  @Test
  void anOutOfRangeValueNamesTheKeyItsRangeAndItsEnvNames() throws Exception {
    ConfigException e = assertThrows(ConfigException.class, () -> ConsumerSettings.of(shipped(),
        Map.of("SECKILL_CONSUMER_CONSUMER_SESSION_TIMEOUT_MS", "5000")).validate());
    assertTrue(e.getMessage().startsWith("consumer.properties: "), e.getMessage());
    assertTrue(e.getMessage().contains("bad setting 'consumer.session-timeout-ms' = '5000': is outside 6000..300000"),
        e.getMessage());
    assertTrue(e.getMessage().contains("SECKILL_CONSUMER_CONSUMER_SESSION_TIMEOUT_MS / SECKILL_CONSUMER_SESSION_TIMEOUT_MS"),
        e.getMessage());
    ConfigException branch = assertThrows(ConfigException.class, () -> ConsumerSettings.of(shipped(),
        Map.of("SECKILL_BRANCH_PAY", "pay-rpc")).validate());
    assertTrue(branch.getMessage().contains("bad setting 'branch.pay' = 'pay-rpc': must be host:port"), branch.getMessage());
  }

  @Test
  void theRulesThatSpanTwoKeysAreChecked() throws Exception {
    ConfigException backoff = assertThrows(ConfigException.class, () -> ConsumerSettings.of(shipped(),
        Map.of("SECKILL_CONSUMER_CONSUMER_BACKOFF_MAX_MS", "50")).validate());
    assertTrue(backoff.getMessage().contains("bad setting 'consumer.backoff-max-ms' = '50': below consumer.backoff-initial-ms"),
        backoff.getMessage());
    ConfigException bound = assertThrows(ConfigException.class, () -> ConsumerSettings.of(shipped(),
        Map.of("SECKILL_CONSUMER_CONSUMER_SUBMIT_CHECK_BOUND_MS", "10")).validate());
    assertTrue(bound.getMessage().contains("'consumer.submit-check-bound-ms' = '10': must be at least "
        + "consumer.submit-check-interval-ms"), bound.getMessage());
  }

  @Test
  void theSignatureSettingsFollowTheSharedEnvNames() throws Exception {
    ConsumerSettings c = ConsumerSettings.of(shipped(), Map.of("SECKILL_CONSUMER_REQUIRE_SIGNATURE", "false",
        "SECKILL_ORDER_SIGNING_KEYS_FILE", "/run/secrets/order-signing.keys")).validate();
    assertEquals(false, c.requireSignature());
    assertEquals(java.nio.file.Path.of("/run/secrets/order-signing.keys"), c.orderSigningKeysFile());
    ConfigException e = assertThrows(ConfigException.class, () -> ConsumerSettings.of(shipped(),
        Map.of("SECKILL_CONSUMER_REQUIRE_SIGNATURE", "yes")).validate());
    assertTrue(e.getMessage().contains("'consumer.require-signature'"), e.getMessage());
  }

  @Test
  void aMissingKeyNamesItselfAndEveryOtherProblem() throws Exception {
    Properties p = shipped();
    p.remove("consumer.topic");
    p.setProperty("consumer.max-in-flight", "lots");
    ConfigException e = assertThrows(ConfigException.class, () -> ConsumerSettings.of(p, Map.of()).validate());
    assertTrue(e.getMessage().contains("'consumer.topic'"), e.getMessage());
    assertTrue(e.getMessage().contains("SECKILL_CONSUMER_CONSUMER_TOPIC"), e.getMessage());
    assertTrue(e.getMessage().contains("'consumer.max-in-flight'"), e.getMessage());
  }

  @Test
  void envOverridesAndTheLaunchersPortVariables() throws Exception {
    ConsumerSettings c = ConsumerSettings.of(shipped(), Map.of(
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
    ConsumerSettings explicit = ConsumerSettings.of(shipped(), Map.of(
        "SECKILL_KAFKA_BOOTSTRAP_SERVERS", "k1:9092,k2:9092", "SECKILL_KAFKA_PORT", "19092"));
    assertEquals("k1:9092,k2:9092", explicit.bootstrapServers(), "an explicit key wins over the port variable");
    assertEquals("127.0.0.1:9092", explicit.with(Map.of("kafka.bootstrap-servers", "127.0.0.1:9092")).bootstrapServers(),
        "a replacement wins over everything");
    ConfigException e = assertThrows(ConfigException.class,
        () -> ConsumerSettings.of(shipped(), Map.of("SECKILL_KAFKA_PORT", "ninety")).validate());
    assertTrue(e.getMessage().contains("'kafka.bootstrap-servers' = 'ninety': SECKILL_KAFKA_PORT is not a port number"),
        e.getMessage());
  }

  @Test
  void tracingIsOffByDefaultAndAMissingOrBadKeyNamesItself() throws Exception {
    assertTrue(!ConsumerSettings.of(shipped(), Map.of()).validate().tracingSettings().enabled());
    ConfigException bad = assertThrows(ConfigException.class, () -> ConsumerSettings.of(shipped(),
        Map.of("SECKILL_CONSUMER_TRACING_SAMPLE_RATIO", "2")).validate());
    assertTrue(bad.getMessage().contains("'tracing.sample-ratio' = '2'"), bad.getMessage());
    Properties p = shipped();
    p.remove("tracing.otlp-endpoint");
    ConfigException missing = assertThrows(ConfigException.class, () -> ConsumerSettings.of(p, Map.of()).validate());
    assertTrue(missing.getMessage().contains("missing setting 'tracing.otlp-endpoint'"), missing.getMessage());
  }
}
