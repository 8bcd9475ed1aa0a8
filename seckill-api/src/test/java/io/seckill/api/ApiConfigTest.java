package io.seckill.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
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

  @Test
  void packagedSettingsAreComplete() {
    ApiConfig.of(packaged(), Map.of()).validate();
  }

  @Test
  void aMissingKeyNamesItself() {
    Properties p = packaged();
    p.remove("redis.port");
    ConfigException e = assertThrows(ConfigException.class,
        () -> ApiConfig.of(p, Map.of()).validate());
    assertTrue(e.getMessage().contains("missing setting 'redis.port'"), e.getMessage());
    assertTrue(e.getMessage().contains("SECKILL_REDIS_PORT"), e.getMessage());
  }

  @Test
  void aBadValueNamesItself() {
    ConfigException e = assertThrows(ConfigException.class,
        () -> ApiConfig.of(packaged(), Map.of("SECKILL_API_PORT", "eighty")).validate());
    assertTrue(e.getMessage().contains("'api.port' = 'eighty'"), e.getMessage());
  }

  @Test
  void envOverridesTheFileAndTheApiPrefixWins() {
    ApiConfig c = ApiConfig.of(packaged(), Map.of("SECKILL_REDIS_PORT", "6380", "SECKILL_API_REDIS_PORT", "6381",
        "SECKILL_KAFKA_PORT", "9093"));
    assertEquals(6381, c.integer(ApiConfig.REDIS_PORT, 1, 65535));
    assertEquals("127.0.0.1:9093", c.address(ApiConfig.KAFKA_HOST, ApiConfig.KAFKA_PORT));
    assertEquals(6000, c.with(Map.of("redis.port", "6000")).integer(ApiConfig.REDIS_PORT, 1, 65535));
  }

  @Test
  void parsesIdLists() {
    assertEquals(List.of(1L, 2L, 3L, 7L), ApiConfig.parseIds("1-3, 7"));
    assertThrows(IllegalArgumentException.class, () -> ApiConfig.parseIds("3-1"));
    assertThrows(IllegalArgumentException.class, () -> ApiConfig.parseIds("x"));
  }
}
