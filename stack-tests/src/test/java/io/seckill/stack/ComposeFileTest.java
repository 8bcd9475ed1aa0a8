package io.seckill.stack;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
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
 * names that agree, pinned images, health-gated start order; and least privilege: every service and
 * DTM on an account of its own made by MySQL's init, none on the owner account, the API on none, no
 * secret with a literal default, the admin port on the host's loopback only, Redis never evicting.
 */
class ComposeFileTest {

  /** Launcher infrastructure part -> compose service, with the launcher's env key for its port. */
  private static final Map<String, String> INFRA = Map.of(
      "mariadb", "mysql", "redis", "redis", "kafka", "kafka", "dtm", "dtm");

  /** DTM's environment keys (the YAML config paths in upper snake case) that compose may set. */
  private static final Set<String> DTM_ENV = Set.of("STORE_DRIVER", "STORE_HOST", "STORE_PORT",
      "STORE_USER", "STORE_PASSWORD", "STORE_DB", "HTTP_PORT", "GRPC_PORT", "LOG_LEVEL",
      "TIMEOUT_TO_FAIL", "RETRY_INTERVAL", "UPDATE_BRANCH_SYNC");

  /** Settings the service runtime reads that the shipped properties leave out on purpose (no default). */
  private static final Set<String> ENV_ONLY_DB_KEYS = Set.of("db.password");

  /** An env key that holds a secret itself (a *_FILE key holds only a path). */
  private static final Pattern SECRET_KEY = Pattern.compile(".*(PASSWORD|TOKEN|SECRET|_KEYS?)$");

  /** Compose interpolation that refuses to start without the variable: ${VAR:?message}. */
  private static final Pattern REQUIRED_VAR = Pattern.compile("^\\$\\{([A-Z][A-Z0-9_]*):\\?[^}]+}$");

  private static final Pattern HOST_PORT = Pattern.compile("^(?:https?://)?([a-z][a-z0-9-]*):(\\d{1,5})(?:/.*)?$");

  private static Path root;
  private static String composeText;
  private static Map<String, Object> compose;
  private static Map<String, Map<String, Object>> services;
  private static List<Launched> launched;
  private static Map<String, Integer> launcherInfraPorts;

  record Launched(String name, String module, String mainClass, String portEnv, int port) {
  }

  @BeforeAll
  static void load() throws IOException {
    root = repoRoot();
    composeText = Files.readString(root.resolve("docker-compose.yml"));
    compose = new Yaml().load(composeText);
    services = map(compose.get("services"));
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

  /**
   * The owner account (mysql's MYSQL_USER) is the operator's: no container uses it. Each service with a
   * database connects as the db.user its properties ship, through its own SECKILL_<PART>_DB_USER /
   * _DB_PASSWORD; MySQL's init makes exactly that account with DML on that service's db.name; DTM has
   * its own account on `dtm`; the API has no database setting at all.
   */
  @Test
  void everyServiceHasItsOwnDatabaseAccountAndNoneTheOwners() throws IOException {
    String owner = env("mysql").get("MYSQL_USER");
    assertNotNull(owner, "mysql creates no owner account");
    Map<String, String[]> initAccounts = initAccounts();
    Map<String, String> mysqlEnv = env("mysql");
    for (String name : services.keySet()) {
      if (name.equals("mysql")) {
        continue;
      }
      env(name).forEach((key, value) -> {
        assertFalse(key.equals("SECKILL_DB_USER") || key.equals("SECKILL_DB_PASSWORD"),
            name + " sets the shared " + key + ": every service has its own account");
        if (key.endsWith("USER")) {
          assertNotEquals(owner, value, name + ": " + key + " is the owner account");
        }
      });
    }
    for (Launched s : launched) {
      Properties props = properties(s.module());
      Map<String, String> env = env(s.name());
      if (!props.containsKey("db.name")) {
        assertTrue(env.keySet().stream().noneMatch(k -> k.contains("_DB_")),
            s.name() + " has no database but sets " + env.keySet());
        continue;
      }
      String prefix = prefix(s.module());
      String user = props.getProperty("db.user", "").strip();
      assertEquals(user, env.get(prefix + "_DB_USER"), s.name() + ": " + prefix + "_DB_USER");
      assertNotEquals(owner, user, s.name() + ": the shipped db.user is the owner account");
      assertFalse(props.containsKey("db.password"), s.name() + ": the shipped properties carry a password");
      String[] account = initAccounts.get(user);
      assertNotNull(account, "docker/mysql-users.sh makes no account " + user + " for " + s.name());
      assertEquals(props.getProperty("db.name").strip(), account[0], user + " is granted another schema");
      assertEquals(requiredVar(env.get(prefix + "_DB_PASSWORD")), requiredVar(mysqlEnv.get(account[1])),
          s.name() + "'s password and the one MySQL's init gives " + user + " are different variables");
    }
    Map<String, String> dtm = env("dtm");
    String[] dtmAccount = initAccounts.get(dtm.get("STORE_USER"));
    assertNotNull(dtmAccount, "docker/mysql-users.sh makes no account " + dtm.get("STORE_USER") + " for dtm");
    assertEquals("dtm", dtmAccount[0]);
    assertEquals(dtm.get("STORE_DB"), dtmAccount[0]);
    assertEquals(requiredVar(dtm.get("STORE_PASSWORD")), requiredVar(mysqlEnv.get(dtmAccount[1])));
    String init = Files.readString(root.resolve("docker/mysql-users.sh"));
    assertTrue(init.contains("GRANT SELECT, INSERT, UPDATE, DELETE ON \\`${schema}\\`.* TO"),
        "docker/mysql-users.sh grants more or less than DML");
    assertTrue(list(services.get("mysql").get("volumes")).stream()
        .anyMatch(v -> v.toString().startsWith("./docker/mysql-users.sh:/docker-entrypoint-initdb.d/")),
        "docker/mysql-users.sh is not run by MySQL's init");
  }

  /**
   * A value that is a secret is either ${VAR:?message} (compose refuses to start without it) or, for a
   * *_FILE key, a compose secret mounted at /run/secrets/ from docker/secrets/, which is git-ignored and
   * which docker/make-secrets.sh fills; no interpolation anywhere gives a secret a default.
   */
  @Test
  void noSecretHasALiteralDefault() throws IOException {
    String makeSecrets = Files.readString(root.resolve("docker/make-secrets.sh"));
    Map<String, Object> secrets = map(compose.get("secrets"));
    for (String name : services.keySet()) {
      Set<String> mounted = list(services.get(name).get("secrets")).stream().map(Object::toString).collect(Collectors.toSet());
      env(name).forEach((key, value) -> {
        if (key.endsWith("_FILE") && SECRET_KEY.matcher(key.substring(0, key.length() - "_FILE".length())).matches()) {
          assertTrue(value.startsWith("/run/secrets/"), name + ": " + key + "=" + value + " is not a compose secret");
          String secret = value.substring("/run/secrets/".length());
          assertTrue(mounted.contains(secret), name + ": " + key + " names secret " + secret + ", which it does not mount");
        } else if (SECRET_KEY.matcher(key).matches()) {
          String var = requiredVar(value);
          assertTrue(makeSecrets.contains(var), name + ": " + key + " comes from " + var + ", which docker/make-secrets.sh does not make");
        }
      });
      for (String secret : mounted) {
        assertTrue(secrets.containsKey(secret), name + " mounts undeclared secret " + secret);
      }
    }
    secrets.forEach((secret, spec) -> {
      String file = String.valueOf(map(spec).get("file"));
      assertTrue(file.startsWith("./docker/secrets/"), "secret " + secret + " is not a file in docker/secrets/: " + file);
      assertTrue(makeSecrets.contains(file.substring("./docker/secrets/".length())),
          "docker/make-secrets.sh does not make " + file);
    });
    Matcher withDefault = Pattern.compile("\\$\\{([A-Za-z0-9_]+)(:?[-=+])").matcher(composeText);
    while (withDefault.find()) {
      assertFalse(SECRET_KEY.matcher(withDefault.group(1)).matches()
          || withDefault.group(1).contains("PASSWORD") || withDefault.group(1).contains("TOKEN"),
          "${" + withDefault.group(1) + withDefault.group(2) + "...} gives a secret a default");
    }
    assertTrue(Files.readAllLines(root.resolve(".gitignore")).stream().map(String::strip)
        .anyMatch(l -> l.equals("docker/secrets/") || l.equals("/docker/secrets/")), ".gitignore does not ignore docker/secrets/");
  }

  /**
   * The API's admin listener binds all interfaces inside its container (or the host could not reach it)
   * and is published on the host's 127.0.0.1 only, on the port the API's properties default to.
   */
  @Test
  void adminPortIsPublishedOnTheHostsLoopbackOnly() throws IOException {
    Properties api = properties("seckill-api");
    String adminPort = api.getProperty("admin.port").strip();
    Map<String, String> env = env("seckill-api");
    assertEquals(adminPort, env.get("SECKILL_API_ADMIN_PORT"), "the API's admin port in compose");
    assertEquals("0.0.0.0", env.get("SECKILL_API_ADMIN_HOST"), "the admin listener is unreachable from the host");
    assertTrue(env.get("SECKILL_ADMIN_TOKEN_FILE") != null || env.get("SECKILL_API_ADMIN_TOKEN_FILE") != null,
        "the API gets no operator token file");
    List<String> published = new ArrayList<>();
    for (Object port : list(services.get("seckill-api").get("ports"))) {
      assertTrue(port instanceof String, "seckill-api: use the short port syntax, got " + port);
      String[] parts = port.toString().split(":");
      if (parts[parts.length - 1].split("/")[0].equals(adminPort)) {
        published.add(port.toString());
      }
    }
    assertEquals(List.of("127.0.0.1:" + adminPort + ":" + adminPort), published, "the admin port's publications");
    for (Map.Entry<String, Map<String, Object>> e : services.entrySet()) {
      for (Object expose : list(e.getValue().get("ports"))) {
        assertFalse(!e.getKey().equals("seckill-api") && expose.toString().endsWith(":" + adminPort),
            e.getKey() + " publishes the admin port");
      }
    }
  }

  @Test
  void redisHasAMemoryCeilingAndNeverEvicts() {
    List<String> command = list(services.get("redis").get("command")).stream().map(Object::toString).toList();
    int max = command.indexOf("--maxmemory");
    int policy = command.indexOf("--maxmemory-policy");
    assertTrue(max >= 0 && max + 1 < command.size(), "redis runs without --maxmemory: " + command);
    String size = command.get(max + 1);
    Matcher interpolated = Pattern.compile("^\\$\\{[A-Z0-9_]+:-([^}]+)}$").matcher(size);
    if (interpolated.matches()) {
      size = interpolated.group(1);
    }
    assertTrue(size.toLowerCase(Locale.ROOT).matches("[1-9][0-9]*(b|k|kb|m|mb|g|gb)?"),
        "redis --maxmemory " + command.get(max + 1) + " is no size above 0 (0 is unlimited)");
    assertTrue(policy >= 0 && policy + 1 < command.size(), "redis runs without --maxmemory-policy: " + command);
    assertEquals("noeviction", command.get(policy + 1), "redis may evict admission keys");
  }

  /** docker/mysql-users.sh's table: user -> {schema, env key of its password}. */
  private static Map<String, String[]> initAccounts() throws IOException {
    Map<String, String[]> accounts = new HashMap<>();
    Matcher m = Pattern.compile("(?m)^([a-z][a-z0-9_]*)\\s+([a-z][a-z0-9_]*)\\s+([A-Z][A-Z0-9_]*_PASSWORD)\\s*$")
        .matcher(Files.readString(root.resolve("docker/mysql-users.sh")));
    while (m.find()) {
      accounts.put(m.group(1), new String[] {m.group(2), m.group(3)});
    }
    assertFalse(accounts.isEmpty(), "docker/mysql-users.sh lists no account");
    return accounts;
  }

  /** The variable of a ${VAR:?message} value; fails for anything else (a literal, a default). */
  private static String requiredVar(String value) {
    assertNotNull(value, "a secret setting is missing");
    Matcher m = REQUIRED_VAR.matcher(value);
    assertTrue(m.matches(), "'" + value + "' is not ${VAR:?message}: a secret must have no default");
    return m.group(1);
  }

  /** The env names a module reads: SECKILL_<PART>_<KEY> and SECKILL_<KEY> for each of its keys. */
  private static Set<String> readableEnv(String module) throws IOException {
    String prefix = prefix(module);
    Set<String> names = new HashSet<>();
    Properties props = properties(module);
    Set<String> keys = new HashSet<>(props.stringPropertyNames());
    if (props.containsKey("db.name")) {
      keys.addAll(ENV_ONLY_DB_KEYS);
    }
    for (String key : keys) {
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
