package io.seckill.verify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.seckill.runtime.ConfigException;
import java.io.InputStream;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;

/** verifier.properties through the settings reader: shipped values, VERIFY_ and SECKILL_ overrides, errors naming keys. */
class VerifierConfigTest {
  private static Properties shipped() throws Exception {
    Properties p = new Properties();
    try (InputStream in = VerifierConfigTest.class.getClassLoader().getResourceAsStream("verifier.properties")) {
      p.load(in);
    }
    return p;
  }

  @Test
  void theShippedFileIsTheLocalStack() throws Exception {
    VerifierConfig c = VerifierConfig.of(shipped(), Map.of());
    assertTrue(c.jdbcUrl().startsWith("jdbc:mysql://127.0.0.1:3306/?"), c.jdbcUrl());
    assertEquals("seckill_product", c.schema("product"));
    assertEquals("127.0.0.1:9092", c.kafkaBootstrap());
    assertEquals("http://127.0.0.1:36789", c.dtmHttpBase());
    assertEquals(List.of("http://127.0.0.1:8080", "http://127.0.0.1:8180"), c.apiUrls(2));
    assertEquals("http://127.0.0.1:8081", c.adminUrl());
    assertEquals(120, c.waitTimeoutSeconds());
    assertEquals(30, c.overdueGraceSeconds());
  }

  @Test
  void theVerifiersOwnPrefixBeatsTheLaunchersWhichBeatsTheFile() throws Exception {
    VerifierConfig c = VerifierConfig.of(shipped(), Map.of("SECKILL_DB_PORT", "3307", "SECKILL_KAFKA_PORT", "19092",
        "VERIFY_KAFKA_PORT", "29092", "SECKILL_ADMIN_PORT", "18081"));
    assertTrue(c.jdbcUrl().startsWith("jdbc:mysql://127.0.0.1:3307/"), c.jdbcUrl());
    assertEquals("127.0.0.1:29092", c.kafkaBootstrap());
    assertEquals("http://127.0.0.1:18081", c.adminUrl());
    assertEquals(5, c.with(Map.of("wait.timeout-seconds", "5")).waitTimeoutSeconds());
  }

  @Test
  void aBadOrMissingKeyIsNamedWithItsEnvNames() throws Exception {
    Properties p = shipped();
    p.remove("db.pay-name");
    ConfigException e = assertThrows(ConfigException.class,
        () -> VerifierConfig.of(p, Map.of("VERIFY_WAIT_POLL_MS", "10")));
    assertTrue(e.getMessage().startsWith("verifier.properties: "), e.getMessage());
    assertTrue(e.getMessage().contains("missing setting 'db.pay-name'"), e.getMessage());
    assertTrue(e.getMessage().contains("VERIFY_DB_PAY_NAME / SECKILL_DB_PAY_NAME"), e.getMessage());
    assertTrue(e.getMessage().contains("bad setting 'wait.poll-ms' = '10': is outside 50..60000"), e.getMessage());
  }
}
