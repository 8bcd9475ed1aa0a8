package io.seckill.runtime.settings;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.seckill.dtm.client.DtmClientConfig;
import io.seckill.runtime.ConfigException;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;

/** DTM's endpoints: the local defaults, the launcher's ports alone, explicit addresses, and bad values named. */
class DtmSettingsTest {

  @Test
  void theDefaultsAreTheLocalStack() {
    DtmClientConfig c = DtmSettings.fromEnv(Map.of());
    assertEquals("127.0.0.1:36790", c.grpcTarget());
    assertEquals("http://127.0.0.1:36789", c.httpBase().toString());
    assertEquals(Duration.ofSeconds(10), c.callTimeout());
  }

  @Test
  void theLaunchersPortsAloneMoveDtmAndAnExplicitAddressWins() {
    DtmClientConfig c = DtmSettings.fromEnv(Map.of("SECKILL_DTM_GRPC_PORT", "46790", "SECKILL_DTM_HTTP_PORT", "46789"));
    assertEquals("127.0.0.1:46790", c.grpcTarget());
    assertEquals("http://127.0.0.1:46789", c.httpBase().toString());
    assertEquals("dtm:1", DtmSettings.fromEnv(Map.of("SECKILL_DTM_GRPC_PORT", "46790", "SECKILL_DTM_GRPC", "dtm:1"))
        .grpcTarget(), "an explicit address wins");
    ConfigException e = assertThrows(ConfigException.class,
        () -> DtmSettings.fromEnv(Map.of("SECKILL_DTM_GRPC_PORT", "x1")));
    assertTrue(e.getMessage().contains("'dtm.grpc'") && e.getMessage().contains("SECKILL_DTM_GRPC_PORT"), e.getMessage());
  }

  @Test
  void aPartsFileAndOwnPrefixAreReadAndABadValueNamesItsKey() {
    Properties p = new Properties();
    p.setProperty("dtm.grpc", "10.0.0.1:1");
    p.setProperty("dtm.call-timeout-ms", "5000");
    Settings part = Settings.of("consumer.properties", p, "SECKILL_CONSUMER", Map.of());
    assertEquals("10.0.0.1:1", DtmSettings.read(part).grpcTarget());
    assertEquals(Duration.ofMillis(5000), DtmSettings.read(part).callTimeout());
    Settings own = Settings.of("consumer.properties", p, "SECKILL_CONSUMER",
        Map.of("SECKILL_CONSUMER_DTM_GRPC", "10.0.0.3:3", "SECKILL_DTM_GRPC", "10.0.0.2:2"));
    assertEquals("10.0.0.3:3", DtmSettings.read(own).grpcTarget());
    ConfigException timeout = assertThrows(ConfigException.class,
        () -> DtmSettings.fromEnv(Map.of("SECKILL_DTM_CALL_TIMEOUT_MS", "soon")));
    assertTrue(timeout.getMessage().contains("'dtm.call-timeout-ms' = 'soon'")
        && timeout.getMessage().contains("SECKILL_DTM_CALL_TIMEOUT_MS"), timeout.getMessage());
    ConfigException http = assertThrows(ConfigException.class,
        () -> DtmSettings.fromEnv(Map.of("SECKILL_DTM_HTTP", "ftp://x")));
    assertTrue(http.getMessage().contains("'dtm.http' = 'ftp://x'"), http.getMessage());
  }
}
