package io.seckill.stack;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

/**
 * docker-compose.yml cannot run here (no Docker engine), so it is checked against the launcher and
 * the services' own configuration: the same parts, env keys the services really read, ports and host
 * names that agree, pinned images, health-gated start order.
 */
class ComposeFileTest {

  /** Launcher infrastructure part -> compose service, with the launcher's env key for its port. */
  private static final Map<String, String> INFRA = Map.of(
      "mariadb", "mysql", "redis", "redis", "kafka", "kafka", "dtm", "dtm");

  /** DTM's environment keys (the YAML config paths in upper snake case) that compose may set. */
  private static final Set<String> DTM_ENV = Set.of("STORE_DRIVER", "STORE_HOST", "STORE_PORT",
      "STORE_USER", "STORE_PASSWORD", "STORE_DB", "HTTP_PORT", "GRPC_PORT", "LOG_LEVEL",
      "TIMEOUT_TO_FAIL", "RETRY_INTERVAL", "UPDATE_BRANCH_SYNC");

  private static final Pattern HOST_PORT = Pattern.compile("^(?:https?://)?([a-z][a-z0-9-]*):(\\d{1,5})(?:/.*)?$");

  private static Path root;
  private static Map<String, Map<String, Object>> services;
  private static List<Launched> launched;
  private static Map<String, Integer> launcherInfraPorts;

  record Launched(String name, String module, String mainClass, String portEnv, int port) {
  }

  @BeforeAll
  static void load() throws IOException {
    root = repoRoot();
    try (InputStream in = Files.newInputStream(root.resolve("docker-compose.yml"))) {
      Map<String, Object> compose = new Yaml().load(in);
      services = map(compose.get("services"));
    }
    launched = new ArrayList<>();
    for (String line : Files.readAllLines(root.resolve("stack/services.conf"))) {
      String l = line.strip();
      if (l.isEmpty() || l.startsWith("#")) {
        continue;
      }
      String[] f = l.split("\\|");
      assertEquals(5, f.length, "services.conf line: " + l);
      String[] port = f[3].split("=");
      launched.add(new Launched(f[0], f[1], f[2], port.length == 2 ? port[0] : null,
          Integer.parseInt(port[port.length - 1])));
    }
    assertFalse(launched.isEmpty(), "stack/services.conf lists no service");
    launcherInfraPorts = new HashMap<>();
    Matcher m = Pattern.compile("\\$\\{(SECKILL_[A-Z_]+_PORT):=(\\d+)}")
        .matcher(Files.readString(root.resolve("stack/lib/00-common.sh")));
    while (m.find()) {
      launcherInfraPorts.put(m.group(1), Integer.parseInt(m.group(2)));
    }
    assertTrue(launcherInfraPorts.containsKey("SECKILL_DB_PORT"), "launcher defaults not found");
  }

  @Test
  void everyPartTheLauncherStartsIsInCompose() {
    for (Launched s : launched) {
      Map<String, Object> svc = services.get(s.name());
      assertNotNull(svc, "compose has no service " + s.name() + " (stack/services.conf)");
      Map<String, Object> args = map(map(svc.get("build")).get("args"));
      assertEquals(s.module(), args.get("MODULE"), s.name() + " builds another module");
      assertEquals(s.mainClass(), args.get("MAIN"), s.name() + " runs another main class");
    }
    INFRA.forEach((part, svc) -> assertTrue(services.containsKey(svc), "compose lacks " + svc + " for " + part));
  }

  @Test
  void everyEnvKeyIsOneTheServiceReads() throws IOException {
    for (Launched s : launched) {
      Map<String, String> env = env(s.name());
      Set<String> readable = readableEnv(s.module());
      for (String key : env.keySet()) {
        assertTrue(readable.contains(key) || key.equals("JAVA_OPTS"),
            s.name() + " sets " + key + ", which " + s.module() + " does not read; it reads " + new TreeSet<>(readable));
      }
    }
    for (String key : env("dtm").keySet()) {
      assertTrue(DTM_ENV.contains(key), "dtm sets unknown key " + key);
    }
  }

  @Test
  void portsAgreeWithTheLaunchersAndTheServicesDefaults() throws IOException {
    for (Launched s : launched) {
      assertNotNull(s.portEnv(), s.name() + ": services.conf should name the port's env key");
      String composePort = env(s.name()).get(s.portEnv());
      assertEquals(Integer.toString(s.port()), composePort, s.name() + ": " + s.portEnv() + " in compose");
      Properties props = properties(s.module());
      String key = keyFor(props, s.portEnv(), prefix(s.module()));
      assertNotNull(key, s.name() + ": no property behind " + s.portEnv());
      assertEquals(Integer.toString(s.port()), props.getProperty(key).strip(), s.name() + ": default of " + key);
      assertTrue(healthTest(s.name()).contains(Integer.toString(s.port())), s.name() + ": health check probes another port");
    }
    Map<String, String> dtm = env("dtm");
    assertEquals(launcherInfraPorts.get("SECKILL_DTM_HTTP_PORT").toString(), dtm.get("HTTP_PORT"));
    assertEquals(launcherInfraPorts.get("SECKILL_DTM_GRPC_PORT").toString(), dtm.get("GRPC_PORT"));
    assertEquals(launcherInfraPorts.get("SECKILL_DB_PORT").toString(), dtm.get("STORE_PORT"));
    assertTrue(env("kafka").get("KAFKA_ADVERTISED_LISTENERS").endsWith(":" + launcherInfraPorts.get("SECKILL_KAFKA_PORT")));
    assertTrue(healthTest("redis").contains("ping"));
  }

  @Test
  void everyHostNamedIsAComposeServiceOnItsPort() {
    Map<String, Set<Integer>> listening = listeningPorts();
    for (String name : services.keySet()) {
      Map<String, String> env = env(name);
      env.forEach((key, value) -> {
        Matcher m = HOST_PORT.matcher(value);
        if (m.matches() && !value.startsWith("PLAINTEXT")) {
          String host = m.group(1);
          assertTrue(services.containsKey(host), name + ": " + key + " names unknown host " + host);
          assertTrue(listening.get(host).contains(Integer.parseInt(m.group(2))),
              name + ": " + key + "=" + value + " but " + host + " listens on " + listening.get(host));
        }
        if (key.endsWith("_HOST") && !value.equals("0.0.0.0")) {
          assertTrue(services.containsKey(value), name + ": " + key + "=" + value + " is not a compose service");
          String stem = key.substring(0, key.length() - "_HOST".length());
          for (String portKey : List.of(stem + "_PORT", stem + "_GRPC_PORT")) {
            if (env.containsKey(portKey)) {
              assertTrue(listening.get(value).contains(Integer.parseInt(env.get(portKey))),
                  name + ": " + portKey + "=" + env.get(portKey) + " but " + value + " listens on " + listening.get(value));
            }
          }
        }
      });
    }
  }

  @Test
  void servicesBindAllInterfacesInsideAndLoopbackOnTheHost() {
    for (Launched s : launched) {
      assertTrue(env(s.name()).containsValue("0.0.0.0"), s.name() + " would bind 127.0.0.1 inside its container");
    }
    for (Map.Entry<String, Map<String, Object>> e : services.entrySet()) {
      for (Object port : list(e.getValue().get("ports"))) {
        assertTrue(port.toString().startsWith("127.0.0.1:"), e.getKey() + " publishes " + port + " beyond loopback");
      }
    }
  }

  @Test
  void everyImageIsPinned() {
    services.forEach((name, svc) -> {
      Object image = svc.get("image");
      assertNotNull(image, name + " has no image");
      String tag = image.toString().contains(":") ? image.toString().substring(image.toString().lastIndexOf(':') + 1) : "";
      assertTrue(tag.matches("\\d+(\\.\\d+)+([._-][A-Za-z0-9._-]+)?"), name + ": image " + image + " is not pinned to a version");
    });
  }

  @Test
  void startOrderWaitsForHealth() {
    services.forEach((name, svc) -> map(svc.get("depends_on")).forEach((dep, spec) -> {
      assertTrue(services.containsKey(dep), name + " depends on unknown " + dep);
      String condition = String.valueOf(map(spec).get("condition"));
      assertTrue(Set.of("service_healthy", "service_completed_successfully").contains(condition),
          name + " -> " + dep + ": condition " + condition);
      if (condition.equals("service_healthy")) {
        assertNotNull(services.get(dep).get("healthcheck"), dep + " has no healthcheck but " + name + " waits for it");
      }
    }));
    for (Launched s : launched) {
      assertNotNull(services.get(s.name()).get("healthcheck"), s.name() + " has no healthcheck");
    }
  }

  @Test
  void everySchemaIsAppliedAtFirstStart() throws IOException {
    Set<String> mounted = list(services.get("mysql").get("volumes")).stream().map(Object::toString)
        .filter(v -> v.contains("/docker-entrypoint-initdb.d/"))
        .map(v -> v.substring(0, v.indexOf(':'))).collect(Collectors.toSet());
    try (Stream<Path> files = Files.list(root.resolve("sql"))) {
      for (Path f : files.filter(p -> p.toString().endsWith(".sql")).toList()) {
        assertTrue(mounted.contains("./sql/" + f.getFileName()), "sql/" + f.getFileName() + " is not applied by compose");
      }
    }
  }

  /** The env names a module reads: SECKILL_<PART>_<KEY> and SECKILL_<KEY> for each of its keys. */
  private static Set<String> readableEnv(String module) throws IOException {
    String prefix = prefix(module);
    Set<String> names = new HashSet<>();
    for (String key : properties(module).stringPropertyNames()) {
      names.add(prefix + "_" + envSuffix(key));
      names.add("SECKILL_" + envSuffix(key));
    }
    return names;
  }

  /** The module's own env prefix, which its code must spell out. */
  private static String prefix(String module) throws IOException {
    String part = module.endsWith("-rpc") ? module.substring(0, module.length() - 4) : module.replaceFirst("^seckill-", "");
    String prefix = "SECKILL_" + part.toUpperCase(Locale.ROOT).replace('-', '_');
    try (Stream<Path> files = Files.walk(root.resolve(module).resolve("src/main/java"))) {
      boolean spelled = files.filter(p -> p.toString().endsWith(".java")).anyMatch(p -> read(p).contains("\"" + prefix + "\""));
      assertTrue(spelled, module + " does not use env prefix " + prefix);
    }
    return prefix;
  }

  private static String keyFor(Properties props, String env, String prefix) {
    for (String key : props.stringPropertyNames()) {
      String suffix = envSuffix(key);
      if (env.equals(prefix + "_" + suffix) || env.equals("SECKILL_" + suffix)) {
        return key;
      }
    }
    return null;
  }

  private static Properties properties(String module) throws IOException {
    Path dir = root.resolve(module).resolve("src/main/resources");
    Properties all = new Properties();
    try (Stream<Path> files = Files.list(dir)) {
      for (Path f : files.filter(p -> p.toString().endsWith(".properties") && !p.getFileName().toString().startsWith("simplelogger")).toList()) {
        try (InputStream in = Files.newInputStream(f)) {
          all.load(in);
        }
      }
    }
    assertFalse(all.isEmpty(), module + " has no properties file");
    return all;
  }

  private static String envSuffix(String key) {
    return key.toUpperCase(Locale.ROOT).replace('.', '_').replace('-', '_');
  }

  private static Map<String, Set<Integer>> listeningPorts() {
    Map<String, Set<Integer>> ports = new HashMap<>();
    ports.put("mysql", Set.of(launcherInfraPorts.get("SECKILL_DB_PORT")));
    ports.put("redis", Set.of(launcherInfraPorts.get("SECKILL_REDIS_PORT")));
    ports.put("kafka", Set.of(launcherInfraPorts.get("SECKILL_KAFKA_PORT")));
    ports.put("dtm", Set.of(launcherInfraPorts.get("SECKILL_DTM_HTTP_PORT"), launcherInfraPorts.get("SECKILL_DTM_GRPC_PORT")));
    for (Launched s : launched) {
      ports.put(s.name(), Set.of(s.port()));
    }
    for (String name : services.keySet()) {
      ports.putIfAbsent(name, Set.of());
    }
    return ports;
  }

  private static String healthTest(String name) {
    Map<String, Object> hc = map(services.get(name).get("healthcheck"));
    assertNotNull(hc.get("test"), name + " has no healthcheck test");
    return hc.get("test").toString();
  }

  private static Map<String, String> env(String name) {
    Map<String, Object> svc = services.get(name);
    assertNotNull(svc, "no compose service " + name);
    Map<String, String> env = new LinkedHashMap<>();
    map(svc.get("environment")).forEach((k, v) -> env.put(k, String.valueOf(v)));
    return env;
  }

  @SuppressWarnings("unchecked")
  private static <V> Map<String, V> map(Object o) {
    if (o == null) {
      return Map.of();
    }
    if (!(o instanceof Map)) {
      fail("expected a mapping, got " + o);
    }
    return (Map<String, V>) o;
  }

  private static List<?> list(Object o) {
    return o == null ? List.of() : (List<?>) o;
  }

  private static String read(Path p) {
    try {
      return Files.readString(p);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static Path repoRoot() {
    Path dir = Path.of("").toAbsolutePath();
    while (dir != null && !Files.exists(dir.resolve("docker-compose.yml"))) {
      dir = dir.getParent();
    }
    assertNotNull(dir, "docker-compose.yml not found above " + Path.of("").toAbsolutePath());
    return dir;
  }
}
