package io.seckill.runtime.settings;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.seckill.runtime.ConfigException;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import org.junit.jupiter.api.Test;

/** The one settings reader: where a value comes from, how each type is checked, and what an error says. */
class SettingsTest {
  private static final Setting<Integer> PORT = Setting.integer("redis.port", 1, 65535);
  private static final Setting<String> KAFKA = Setting.string("kafka.bootstrap-servers").portAlone("SECKILL_KAFKA_PORT");
  private static final Setting<String> BRANCH = Setting.target("branch.order").portAlone("SECKILL_ORDER_GRPC_PORT");
  private static final Setting<URI> DTM_HTTP = Setting.httpUrl("dtm.http").portAlone("SECKILL_DTM_HTTP_PORT")
      .withDefault("http://127.0.0.1:36789");

  private static Properties file(String... keyValues) {
    Properties p = new Properties();
    for (int i = 0; i < keyValues.length; i += 2) {
      p.setProperty(keyValues[i], keyValues[i + 1]);
    }
    return p;
  }

  private static Settings settings(Properties file, Map<String, String> env) {
    return Settings.of("x.properties", file, "SECKILL_X", env);
  }

  @Test
  void replacementsBeatOwnEnvBeatsSharedEnvBeatsSystemPropertiesBeatFileBeatsDefault() {
    Setting<Integer> p = PORT.withDefault("6379");
    Properties f = file("redis.port", "1");
    Properties system = file("redis.port", "2");
    Map<String, String> env = Map.of("SECKILL_REDIS_PORT", "3", "SECKILL_X_REDIS_PORT", "4");
    assertEquals(6379, settings(new Properties(), Map.of()).get(p));
    assertEquals(1, settings(f, Map.of()).get(p));
    assertEquals(2, settings(f, Map.of()).withSystemProperties(system).get(p));
    assertEquals(1, settings(f, Map.of()).get(p), "system properties are read only when turned on");
    assertEquals(3, settings(f, Map.of("SECKILL_REDIS_PORT", "3")).withSystemProperties(system).get(p));
    assertEquals(4, settings(f, env).get(p));
    assertEquals(5, settings(f, env).with(Map.of("redis.port", "5")).get(p));
    assertEquals(Optional.of("4"), settings(f, env).find("redis.port"));
    assertEquals(List.of("SECKILL_X_REDIS_PORT", "SECKILL_REDIS_PORT"), settings(f, env).envNames("redis.port"));
  }

  @Test
  void anEnvVariableThatIsSetWinsEvenEmptyAndEmptyIsMissingUnlessAllowed() {
    Properties f = file("db.user", "seckill", "db.password", "secret");
    Settings s = settings(f, Map.of("SECKILL_DB_USER", " ", "SECKILL_DB_PASSWORD", ""));
    assertEquals("", s.get(Setting.stringOrEmpty("db.password")));
    ConfigException e = assertThrows(ConfigException.class, () -> s.get(Setting.string("db.user")));
    assertEquals("missing setting 'db.user' (set it in x.properties or env SECKILL_X_DB_USER / SECKILL_DB_USER)",
        e.getMessage());
  }

  @Test
  void aMissingOrOutOfRangeValueNamesTheKeyAndItsEnvNames() {
    ConfigException missing = assertThrows(ConfigException.class, () -> settings(new Properties(), Map.of()).get(PORT));
    assertEquals("missing setting 'redis.port' (set it in x.properties or env SECKILL_X_REDIS_PORT / SECKILL_REDIS_PORT)",
        missing.getMessage());
    ConfigException range = assertThrows(ConfigException.class,
        () -> settings(file("redis.port", "70000"), Map.of()).get(PORT));
    assertEquals("bad setting 'redis.port' = '70000': is outside 1..65535 (from x.properties or env SECKILL_X_REDIS_PORT"
        + " / SECKILL_REDIS_PORT)", range.getMessage());
    ConfigException word = assertThrows(ConfigException.class,
        () -> settings(file("redis.port", " six "), Map.of()).get(PORT));
    assertTrue(word.getMessage().contains("'redis.port' = 'six': is not a whole number"), word.getMessage());
  }

  @Test
  void checkReportsEveryProblemAtOnceUnderTheSource() {
    Settings s = settings(file("redis.port", "0"), Map.of("SECKILL_X_FLAG", "yes"));
    ConfigException e = assertThrows(ConfigException.class,
        () -> s.check(List.of(PORT, Setting.bool("flag"), Setting.string("name"))));
    assertTrue(e.getMessage().startsWith("x.properties: bad setting 'redis.port' = '0'"), e.getMessage());
    assertTrue(e.getMessage().contains("; bad setting 'flag' = 'yes': is not true or false"), e.getMessage());
    assertTrue(e.getMessage().contains("; missing setting 'name'"), e.getMessage());
    settings(file("redis.port", "1"), Map.of()).check(List.of(PORT));
  }

  @Test
  void aPortAloneMeansThisHostOnThatPortBelowTheKeysOwnEnvNamesAndAboveTheFile() {
    Properties f = file("kafka.bootstrap-servers", "k0:9092", "branch.order", "o:9001", "dtm.http", "http://d:1");
    Settings ports = settings(f, Map.of("SECKILL_KAFKA_PORT", "19092", "SECKILL_ORDER_GRPC_PORT", " 19001 ",
        "SECKILL_DTM_HTTP_PORT", "46789"));
    assertEquals("127.0.0.1:19092", ports.get(KAFKA));
    assertEquals("127.0.0.1:19001", ports.get(BRANCH));
    assertEquals(URI.create("http://127.0.0.1:46789"), ports.get(DTM_HTTP));
    Settings explicit = settings(f, Map.of("SECKILL_KAFKA_PORT", "19092", "SECKILL_KAFKA_BOOTSTRAP_SERVERS", "k1:1,k2:2"));
    assertEquals("k1:1,k2:2", explicit.get(KAFKA), "the key's own env name wins over the port variable");
    assertEquals("k0:9092", settings(f, Map.of("SECKILL_KAFKA_PORT", "")).get(KAFKA), "a blank port is no port");
    assertEquals(URI.create("http://127.0.0.1:36789"), settings(new Properties(), Map.of()).get(DTM_HTTP));
    ConfigException e = assertThrows(ConfigException.class,
        () -> settings(f, Map.of("SECKILL_ORDER_GRPC_PORT", "x1")).get(BRANCH));
    assertTrue(e.getMessage().contains("'branch.order' = 'x1': SECKILL_ORDER_GRPC_PORT is not a port number"), e.getMessage());
    assertTrue(e.getMessage().contains("SECKILL_X_BRANCH_ORDER / SECKILL_BRANCH_ORDER / SECKILL_ORDER_GRPC_PORT"),
        e.getMessage());
  }

  @Test
  void eachTypeChecksItsValues() {
    Settings s = settings(file("a.ms", "1500", "a.s", "3", "a.iso", "PT15M", "a.ratio", "0.25", "a.mode", "lz4",
        "a.host", "[::1]:9001", "a.list", " 10.0.0.0/8, ,192.168.0.1 ", "a.path", "", "a.long", "9000000000",
        "a.flag", "true"), Map.of());
    assertEquals(Duration.ofMillis(1500), s.get(Setting.millis("a.ms", 1, 10_000)));
    assertEquals(Duration.ofSeconds(3), s.get(Setting.seconds("a.s", 1, 600)));
    assertEquals(Duration.ofMinutes(15), s.get(Setting.duration("a.iso", Duration.ofSeconds(1), Duration.ofDays(7))));
    assertEquals(0.25, s.get(Setting.decimal("a.ratio", 0, 1)));
    assertEquals("lz4", s.get(Setting.oneOf("a.mode", "none", "lz4")));
    assertEquals("[::1]:9001", s.get(Setting.target("a.host")));
    assertEquals(List.of("10.0.0.0/8", "192.168.0.1"), s.get(Setting.list("a.list")));
    assertEquals(List.of(), s.get(Setting.list("a.unset")), "an unset list is empty");
    assertEquals(Optional.empty(), s.get(Setting.optionalPath("a.path")));
    assertEquals(9_000_000_000L, s.get(Setting.longInteger("a.long", 0, Long.MAX_VALUE)));
    assertEquals(true, s.get(Setting.bool("a.flag")));
    assertEquals(Optional.of(Path.of("/k")), s.with(Map.of("a.path", "/k")).get(Setting.optionalPath("a.path")));

    Map<Setting<?>, String> bad = Map.of(
        Setting.millis("a.ms", 1, 1000), "is outside 1..1000",
        Setting.duration("a.iso", Duration.ofSeconds(1), Duration.ofMinutes(1)), "is outside PT1S..PT1M",
        Setting.decimal("a.ratio", 0.5, 1), "is outside 0.5..1.0",
        Setting.oneOf("a.mode", "none", "gzip"), "is not one of none, gzip",
        Setting.target("a.list"), "must be host:port",
        Setting.httpUrl("a.mode"), "must be an http(s) URL",
        Setting.duration("a.ms", Duration.ZERO, Duration.ofDays(1)), "is not an ISO-8601 duration",
        Setting.bool("a.mode"), "is not true or false");
    bad.forEach((setting, why) -> {
      ConfigException e = assertThrows(ConfigException.class, () -> s.get(setting), setting.name());
      assertTrue(e.getMessage().startsWith("bad setting '" + setting.name() + "'") && e.getMessage().contains(why),
          e.getMessage());
    });
    assertThrows(ConfigException.class, () -> s.get(Setting.target("a.bad").withDefault("host:0")));
  }

  @Test
  void aCustomParsersReasonBecomesTheMessage() {
    Setting<Integer> even = Setting.of("n", false, v -> {
      int n = Integer.parseInt(v);
      if (n % 2 != 0) {
        throw new IllegalArgumentException("is odd");
      }
      return n;
    });
    assertEquals(4, settings(file("n", "4"), Map.of()).get(even));
    ConfigException e = assertThrows(ConfigException.class, () -> settings(file("n", "3"), Map.of()).get(even));
    assertTrue(e.getMessage().startsWith("bad setting 'n' = '3': is odd (from x.properties"), e.getMessage());
  }

  @Test
  void theSharedPrefixAloneGivesOneEnvName() {
    Settings s = Settings.fromEnv(Settings.SHARED_PREFIX, Map.of("SECKILL_DTM_GRPC", "dtm:1"));
    assertEquals(List.of("SECKILL_DTM_GRPC"), s.envNames("dtm.grpc"));
    assertEquals("dtm:1", s.get(Setting.target("dtm.grpc")));
    assertEquals("defaults", s.source());
  }
}
