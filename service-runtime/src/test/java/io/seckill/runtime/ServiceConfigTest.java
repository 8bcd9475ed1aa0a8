package io.seckill.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.seckill.runtime.settings.Setting;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;

/** Env overrides, their precedence, and validate() naming every bad key. */
class ServiceConfigTest {

  private static Properties file() {
    Properties p = new Properties();
    p.setProperty("grpc.host", "127.0.0.1");
    p.setProperty("grpc.port", "9002");
    p.setProperty("grpc.max-inbound-message-bytes", "65536");
    p.setProperty("grpc.shutdown-grace-seconds", "5");
    p.setProperty("grpc.executor-threads", "4");
    p.setProperty("db.host", "127.0.0.1");
    p.setProperty("db.port", "3306");
    p.setProperty("db.name", "seckill_product");
    p.setProperty("db.user", "seckill");
    p.setProperty("db.password", "seckill");
    p.setProperty("db.params", "");
    p.setProperty("db.pool-size", "4");
    p.setProperty("db.connection-timeout-ms", "2000");
    p.setProperty("db.startup-wait-ms", "30000");
    return p;
  }

  @Test
  void serviceEnvBeatsSharedEnvBeatsFile() {
    ServiceConfig c = ServiceConfig.of(file(), "SECKILL_PRODUCT",
        Map.of("SECKILL_DB_PORT", "3307", "SECKILL_DB_USER", "shared", "SECKILL_PRODUCT_DB_USER", "own"));
    assertEquals(3307, c.get(ServiceConfig.DB_PORT));
    assertEquals("own", c.get(ServiceConfig.DB_USER));
    assertEquals("seckill_product", c.get(ServiceConfig.DB_NAME));
    assertEquals(Duration.ofSeconds(5), c.get(ServiceConfig.GRPC_SHUTDOWN_GRACE_SECONDS));
    assertEquals("jdbc:mysql://127.0.0.1:3307/seckill_product", Database.jdbcUrl(c.validate()));
    assertEquals(java.util.List.of("SECKILL_PRODUCT_GRPC_MAX_INBOUND_MESSAGE_BYTES", "SECKILL_GRPC_MAX_INBOUND_MESSAGE_BYTES"),
        c.envNames("grpc.max-inbound-message-bytes"));
  }

  @Test
  void validateNamesEveryMissingOrBadKeyAndItsEnvName() {
    Properties p = file();
    p.remove("db.name");
    ConfigException e = assertThrows(ConfigException.class,
        () -> ServiceConfig.of(p, "SECKILL_PRODUCT", Map.of("SECKILL_PRODUCT_GRPC_PORT", "70000")).validate());
    assertTrue(e.getMessage().contains("missing setting 'db.name'"), e.getMessage());
    assertTrue(e.getMessage().contains("SECKILL_PRODUCT_DB_NAME"), e.getMessage());
    assertTrue(e.getMessage().contains("bad setting 'grpc.port' = '70000'"), e.getMessage());
  }

  @Test
  void anEmptyPasswordIsAllowedButAnEmptyUserIsNot() {
    ConfigException e = assertThrows(ConfigException.class, () -> ServiceConfig.of(file(), "SECKILL_PRODUCT",
        Map.of("SECKILL_DB_PASSWORD", "", "SECKILL_DB_USER", " ")).validate());
    assertTrue(e.getMessage().contains("'db.user'") && !e.getMessage().contains("db.password"), e.getMessage());
  }

  @Test
  void withOverridesBeatTheEnvironment() {
    ServiceConfig c = ServiceConfig.of(file(), "SECKILL_PRODUCT", Map.of("SECKILL_PRODUCT_GRPC_PORT", "1234"))
        .with(Map.of("grpc.port", "0"));
    assertEquals(0, c.get(ServiceConfig.GRPC_PORT));
  }

  @Test
  void everyRuntimeKeyHasItsRange() {
    ConfigException e = assertThrows(ConfigException.class, () -> ServiceConfig.of(file(), "SECKILL_PRODUCT",
        Map.of("SECKILL_DB_POOL_SIZE", "0", "SECKILL_PRODUCT_GRPC_EXECUTOR_THREADS", "501")).validate());
    assertTrue(e.getMessage().startsWith("properties: "), e.getMessage());
    assertTrue(e.getMessage().contains("bad setting 'db.pool-size' = '0': is outside 1..500"), e.getMessage());
    assertTrue(e.getMessage().contains("bad setting 'grpc.executor-threads' = '501': is outside 1..500"), e.getMessage());
  }

  @Test
  void durationsAreIso8601WithinTheirRangeAndABadOneNamesItsKey() {
    Properties p = file();
    p.setProperty("x.wait", "PT15M");
    Setting<Duration> wait = Setting.duration("x.wait", Duration.ofSeconds(1), Duration.ofDays(7));
    assertEquals(Duration.ofMinutes(15), ServiceConfig.of(p, "SECKILL_X", Map.of()).get(wait));
    assertEquals(Duration.ofSeconds(20), ServiceConfig.of(p, "SECKILL_X", Map.of("SECKILL_X_WAIT", "PT20S")).get(wait));
    for (String bad : new String[] {"15m", "PT0.5S", "P8D", "-PT1M", ""}) {
      ConfigException e = assertThrows(ConfigException.class,
          () -> ServiceConfig.of(p, "SECKILL_X", Map.of("SECKILL_X_WAIT", bad)).get(wait), bad);
      assertTrue(e.getMessage().contains("'x.wait'") && e.getMessage().contains("SECKILL_X_WAIT"), e.getMessage());
    }
  }
}
