package io.seckill.stack;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
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
 * secret with a literal default, the admin port on the host's loopback only, Redis never evicting;
 * and the monitoring: Prometheus scrapes the ports the parts really serve their metrics on, Grafana
 * reads that Prometheus and shows anonymous viewers a dashboard whose every query names a metric the
 * pipeline exports.
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

  /** The metrics the "Flash sale" dashboard may query: each is exported by seckill-api, the consumer, DTM or Prometheus. */
  private static final Set<String> DASHBOARD_METRICS = Set.of(
      "seckill_sale_stock", "seckill_sale_slots_left", "seckill_api_admissions_total",
      "seckill_consumer_orders_total", "seckill_consumer_order_latency_seconds_bucket",
      "seckill_consumer_lag_records_sum", "dtm_transaction_process_total", "up", "seckill_api_part_up");

  /** PromQL words that look like a metric name but are not one. */
  private static final Set<String> PROMQL_KEYWORDS = Set.of(
      "by", "without", "on", "ignoring", "group_left", "group_right", "bool", "and", "or", "unless", "offset");

  private static final String DASHBOARD_TITLE = "Flash sale";

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
      assertTrue(tag.matches("v?\\d+(\\.\\d+)+([._-][A-Za-z0-9._-]+)?"), name + ": image " + image + " is not pinned to a version");
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
        // It may know where the server is (the dashboard reads its greeting), never an account.
        assertTrue(env.keySet().stream().noneMatch(k -> k.matches(".*_DB_(USER|PASSWORD|PASSWORD_FILE|NAME)$")),
            s.name() + " has no database but sets an account: " + env.keySet());
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
        // SECKILL_X_FILE, and Grafana's GF_X__FILE: the file holds the value of X.
        if (key.endsWith("_FILE") && SECRET_KEY.matcher(key.replaceFirst("_+FILE$", "")).matches()) {
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

  /**
   * Prometheus scrapes every 5 s, over the compose network: seckill-api's admin listener (whose
   * /metrics needs no token), seckill-consumer's metrics port and DTM's /api/metrics on its HTTP port,
   * each on the port compose gives that service; every target is a compose service on a port it serves.
   */
  @Test
  void prometheusScrapesThePartsOnThePortsTheyServe() throws IOException {
    Map<String, Object> config = prometheusConfig();
    Map<String, Object> global = map(config.get("global"));
    long interval = seconds(String.valueOf(global.get("scrape_interval")));
    assertEquals(5, interval, "Prometheus's global scrape_interval");
    assertTrue(global.get("scrape_timeout") == null || seconds(global.get("scrape_timeout").toString()) <= interval,
        "scrape_timeout " + global.get("scrape_timeout") + " exceeds the interval: Prometheus would refuse the config");

    String adminPort = env("seckill-api").get("SECKILL_API_ADMIN_PORT");
    assertEquals(properties("seckill-api").getProperty("admin.port").strip(), adminPort, "the API's admin port in compose");
    String consumerPort = env("seckill-consumer").get("SECKILL_CONSUMER_METRICS_PORT");
    assertEquals(properties("seckill-consumer").getProperty("metrics.port").strip(), consumerPort,
        "the consumer's metrics port in compose");
    String dtmPort = env("dtm").get("HTTP_PORT");
    Map<String, List<String>> expected = Map.of(
        "seckill-api", List.of("seckill-api:" + adminPort, "/metrics"),
        "seckill-consumer", List.of("seckill-consumer:" + consumerPort, "/metrics"),
        "dtm", List.of("dtm:" + dtmPort, "/api/metrics"));

    Map<String, Set<Integer>> served = new HashMap<>(listeningPorts());
    served.put("seckill-api", Set.of(Integer.parseInt(env("seckill-api").get("SECKILL_API_PORT")), Integer.parseInt(adminPort)));
    Map<String, List<String>> jobs = new HashMap<>();
    for (Object o : list(config.get("scrape_configs"))) {
      Map<String, Object> job = map(o);
      String name = String.valueOf(job.get("job_name"));
      assertFalse(jobs.containsKey(name), "scrape job " + name + " is listed twice");
      if (job.get("scrape_interval") != null) {
        assertEquals(interval, seconds(job.get("scrape_interval").toString()), name + ": scrape_interval");
      }
      assertFalse("https".equals(job.get("scheme")), name + ": the compose network serves plain HTTP");
      List<String> targets = new ArrayList<>();
      for (Object sc : list(job.get("static_configs"))) {
        for (Object t : list(map(sc).get("targets"))) {
          Matcher m = HOST_PORT.matcher(t.toString());
          assertTrue(m.matches(), name + ": target " + t + " is not host:port");
          assertTrue(services.containsKey(m.group(1)), name + ": target " + t + " is no compose service");
          assertTrue(served.get(m.group(1)).contains(Integer.parseInt(m.group(2))),
              name + ": target " + t + " but " + m.group(1) + " serves " + served.get(m.group(1)));
          targets.add(t.toString());
        }
      }
      assertFalse(targets.isEmpty(), name + " scrapes nothing");
      String path = job.get("metrics_path") == null ? "/metrics" : job.get("metrics_path").toString();
      jobs.put(name, List.of(String.join(",", targets), path));
    }
    expected.forEach((job, want) -> assertEquals(want, jobs.get(job), "scrape job " + job + ": target and path"));

    // Prometheus sends no token: the admin listener must route /metrics outside the token check.
    String adminApi = Files.readString(root.resolve("seckill-api/src/main/java/io/seckill/api/AdminApi.java"));
    Matcher route = Pattern.compile("\\.get\\(\\s*\"/metrics\"\\s*,\\s*([A-Za-z]+)").matcher(adminApi);
    assertTrue(route.find(), "AdminApi routes no GET /metrics");
    assertNotEquals("admin", route.group(1), "the admin listener's /metrics needs the token, which Prometheus does not send");
  }

  /** Prometheus and Grafana: published on the host's 127.0.0.1 only, on the port they listen on, and health-checked there. */
  @Test
  void prometheusAndGrafanaAreHealthCheckedOnTheHostsLoopback() {
    Map<String, Integer> listen = Map.of("prometheus", prometheusPort(), "grafana", grafanaPort());
    Map<String, String> probe = Map.of("prometheus", "/-/healthy", "grafana", "/api/health");
    listen.forEach((name, port) -> {
      assertEquals(List.of("127.0.0.1:" + port + ":" + port), list(services.get(name).get("ports")).stream().map(Object::toString).toList(),
          name + "'s publications");
      assertTrue(healthTest(name).contains("http://127.0.0.1:" + port + probe.get(name)),
          name + ": the health check does not probe " + probe.get(name) + " on port " + port + ": " + healthTest(name));
      assertFalse(String.valueOf(services.get(name).get("image")).endsWith(":latest"), name + " runs :latest");
    });
    assertEquals("service_healthy", String.valueOf(map(map(services.get("grafana").get("depends_on")).get("prometheus")).get("condition")),
        "grafana does not wait for its datasource");
  }

  /**
   * Grafana's one datasource is the compose Prometheus (its service name and port, its scrape interval);
   * the dashboard provider reads a read-only mount of docker/grafana/; anonymous visitors are viewers,
   * and the admin's password comes from a compose secret, not from the file.
   */
  @Test
  void grafanaReadsThePrometheusServiceAndShowsTheDashboardToViewers() throws IOException {
    List<Map<String, Object>> datasources = new ArrayList<>();
    for (Path f : yamlFiles(hostPath("grafana", "/etc/grafana/provisioning/datasources"))) {
      list(loadYaml(f).get("datasources")).forEach(d -> datasources.add(map(d)));
    }
    assertEquals(1, datasources.size(), "Grafana's provisioned datasources: " + datasources);
    Map<String, Object> ds = datasources.get(0);
    assertEquals("prometheus", ds.get("type"));
    assertEquals("http://prometheus:" + prometheusPort(), ds.get("url"), "the datasource is not the compose Prometheus");
    assertTrue(services.containsKey("prometheus"));
    assertEquals(map(prometheusConfig().get("global")).get("scrape_interval"), map(ds.get("jsonData")).get("timeInterval"),
        "the datasource's timeInterval is not Prometheus's scrape interval");

    List<Path> dashboardDirs = new ArrayList<>();
    for (Path f : yamlFiles(hostPath("grafana", "/etc/grafana/provisioning/dashboards"))) {
      for (Object p : list(loadYaml(f).get("providers"))) {
        Map<String, Object> provider = map(p);
        assertEquals("file", provider.get("type"), "dashboard provider " + provider.get("name"));
        dashboardDirs.add(hostPath("grafana", String.valueOf(map(provider.get("options")).get("path"))));
      }
    }
    assertTrue(dashboardDirs.stream().anyMatch(d -> Files.isRegularFile(d.resolve("flash-sale.json"))),
        "no dashboard provider reads docker/grafana/dashboards/flash-sale.json: " + dashboardDirs);
    Map<String, String> env = env("grafana");
    Path home = hostPath("grafana", env.get("GF_DASHBOARDS_DEFAULT_HOME_DASHBOARD_PATH"));
    assertTrue(Files.isRegularFile(home) && dashboardDirs.contains(home.getParent()), "the home dashboard is no provisioned file: " + home);
    assertEquals(DASHBOARD_TITLE, new ObjectMapper().readTree(home.toFile()).path("title").asText(), "the home dashboard");

    assertEquals("true", env.get("GF_AUTH_ANONYMOUS_ENABLED"), "viewing the dashboard needs a login");
    assertEquals("Viewer", env.get("GF_AUTH_ANONYMOUS_ORG_ROLE"), "anonymous visitors may do more than view");
    assertEquals("false", env.get("GF_USERS_ALLOW_SIGN_UP"), "anyone could sign up");
    assertFalse("true".equals(env.get("GF_AUTH_DISABLE_LOGIN_FORM")), "the admin could not log in");
    assertFalse(env.containsKey("GF_SECURITY_ADMIN_PASSWORD"), "Grafana's admin password is written in the file");
    String passwordFile = env.get("GF_SECURITY_ADMIN_PASSWORD__FILE");
    assertNotNull(passwordFile, "Grafana's admin keeps the image's default password");
    assertTrue(passwordFile.startsWith("/run/secrets/")
            && list(services.get("grafana").get("secrets")).contains(passwordFile.substring("/run/secrets/".length())),
        "Grafana's admin password is not a compose secret it mounts: " + passwordFile);
  }

  /**
   * The "Flash sale" dashboard parses; every panel queries the provisioned datasource, and every
   * expression names only metrics the pipeline exports; each of those metrics is on some panel; rates
   * span several scrapes; latency shows p50 and p99; part labels name compose services.
   */
  @Test
  void dashboardQueriesOnlyMetricsThePipelineExports() throws IOException {
    assertEquals(Set.of("a_total", "b_bucket"),
        metricsOf("histogram_quantile(0.99, sum by (le) (rate(b_bucket{x=~\"y|z\"}[30s]))) / on (i) sum without (k) (rate(a_total[1m]))"),
        "the metric extractor of this test");
    String uid = String.valueOf(datasource().get("uid"));
    JsonNode dashboard = dashboard();
    assertEquals(DASHBOARD_TITLE, dashboard.path("title").asText());
    assertFalse(dashboard.path("uid").asText().isBlank(), "the dashboard has no uid: links to it would change");
    long interval = seconds(String.valueOf(map(prometheusConfig().get("global")).get("scrape_interval")));

    Set<String> used = new TreeSet<>();
    Set<Integer> ids = new HashSet<>();
    List<String> exprs = new ArrayList<>();
    List<JsonNode> panels = panels(dashboard);
    assertTrue(panels.size() >= 8, "the dashboard has " + panels.size() + " panels");
    for (JsonNode panel : panels) {
      String title = panel.path("title").asText();
      assertTrue(ids.add(panel.path("id").asInt()), "panel id " + panel.path("id") + " is used twice");
      if (panel.path("type").asText().equals("row")) {
        continue;
      }
      assertEquals(uid, panel.path("datasource").path("uid").asText(), title + ": another datasource");
      assertTrue(panel.path("targets").size() > 0, title + " queries nothing");
      for (JsonNode target : panel.path("targets")) {
        assertTrue(target.path("datasource").isMissingNode() || target.path("datasource").path("uid").asText().equals(uid),
            title + ": a query on another datasource");
        String expr = target.path("expr").asText();
        Set<String> metrics = metricsOf(expr);
        assertFalse(metrics.isEmpty(), title + ": '" + expr + "' names no metric");
        for (String metric : metrics) {
          assertTrue(DASHBOARD_METRICS.contains(metric), title + ": '" + expr + "' queries " + metric + ", which nothing exports");
        }
        used.addAll(metrics);
        exprs.add(expr);
      }
    }
    assertEquals(new TreeSet<>(DASHBOARD_METRICS), used, "metrics the dashboard does not show");
    for (JsonNode variable : dashboard.path("templating").path("list")) {
      if (variable.path("type").asText().equals("query")) {
        Matcher m = Pattern.compile("^label_values\\(\\s*([a-z_:][a-z0-9_:]*)\\s*,\\s*([a-z_][a-z0-9_]*)\\s*\\)$")
            .matcher(variable.path("query").asText());
        assertTrue(m.matches(), "variable " + variable.path("name") + ": " + variable.path("query"));
        assertTrue(DASHBOARD_METRICS.contains(m.group(1)), "variable " + variable.path("name") + " reads " + m.group(1));
        assertEquals(uid, variable.path("datasource").path("uid").asText(), "variable " + variable.path("name"));
      }
    }
    for (String expr : exprs) {
      Matcher range = Pattern.compile("\\[(\\d+[smh])]").matcher(expr);
      while (range.find()) {
        assertTrue(seconds(range.group(1)) >= 4 * interval, "'" + expr + "': a range of " + range.group(1)
            + " holds too few scrapes at " + interval + "s");
      }
      Matcher part = Pattern.compile("\\bpart\\s*=~?\\s*\"([^\"]*)\"").matcher(expr);
      while (part.find()) {
        for (String p : part.group(1).split("\\|")) {
          assertTrue(services.containsKey(p), "'" + expr + "' names part " + p + ", which is no compose service");
        }
      }
    }
    for (String q : List.of("0.5", "0.99")) {
      assertTrue(exprs.stream().anyMatch(e -> e.startsWith("histogram_quantile(" + q + ",")
              && e.contains("sum by (le) (rate(seckill_consumer_order_latency_seconds_bucket[")),
          "no panel shows the enqueue-to-final latency's p" + q.substring(2));
    }
  }

  /**
   * The orders panel's "confirmed" line counts exactly the consumer's outcomes that end CONFIRMED
   * (TccOutcome.Kind.confirmed()) and its "cancelled" line all the others, so no outcome goes missing.
   */
  @Test
  void ordersPanelCountsEveryConsumerOutcomeOnce() throws IOException {
    String outcome = Files.readString(root.resolve("dtm-grpc/src/main/java/io/seckill/dtm/tcc/TccOutcome.java"))
        .replaceAll("(?s)/\\*.*?\\*/", "").replaceAll("//[^\n]*", "");
    Matcher kinds = Pattern.compile("(?s)enum Kind\\s*\\{(.*?);").matcher(outcome);
    assertTrue(kinds.find(), "Outcome.Kind not found");
    assertTrue(outcome.contains("return name().toLowerCase("), "Outcome.Kind's label is no longer its lower-cased name");
    Set<String> all = Arrays.stream(kinds.group(1).split(",")).map(String::strip).filter(k -> !k.isEmpty())
        .map(k -> k.toLowerCase(Locale.ROOT)).collect(Collectors.toCollection(TreeSet::new));
    Matcher body = Pattern.compile("(?s)boolean confirmed\\(\\)\\s*\\{(.*?)}").matcher(outcome);
    assertTrue(body.find(), "Outcome.Kind.confirmed() not found");
    Set<String> confirmed = new TreeSet<>();
    Matcher member = Pattern.compile("this == ([A-Z_]+)").matcher(body.group(1));
    while (member.find()) {
      confirmed.add(member.group(1).toLowerCase(Locale.ROOT));
    }
    assertFalse(confirmed.isEmpty(), "Outcome.Kind.confirmed() names no kind");
    Set<String> cancelled = new TreeSet<>(all);
    cancelled.removeAll(confirmed);

    Map<String, Set<String>> lines = new HashMap<>();
    for (JsonNode panel : panels(dashboard())) {
      for (JsonNode target : panel.path("targets")) {
        String expr = target.path("expr").asText();
        if (!metricsOf(expr).contains("seckill_consumer_orders_total")) {
          continue;
        }
        Matcher m = Pattern.compile("\\boutcome\\s*=~?\\s*\"([^\"]*)\"").matcher(expr);
        assertTrue(m.find(), "'" + expr + "' sums every outcome into one line");
        Set<String> outcomes = new TreeSet<>(Arrays.asList(m.group(1).split("\\|")));
        for (String o : outcomes) {
          assertTrue(all.contains(o), "'" + expr + "': the consumer has no outcome " + o + "; it has " + all);
        }
        assertFalse(lines.containsKey(target.path("legendFormat").asText()), "two lines are called " + target.path("legendFormat"));
        lines.put(target.path("legendFormat").asText(), outcomes);
      }
    }
    assertEquals(confirmed, lines.get("confirmed"), "the outcomes of the 'confirmed' line");
    assertEquals(cancelled, lines.get("cancelled"), "the outcomes of the 'cancelled' line");
  }

  /** Prometheus's config file, read from the bind mount behind its --config.file. */
  private static Map<String, Object> prometheusConfig() throws IOException {
    return loadYaml(hostPath("prometheus", flag("prometheus", "--config.file")));
  }

  /** The port Prometheus listens on inside its container (--web.listen-address, default :9090). */
  private static int prometheusPort() {
    String address = flag("prometheus", "--web.listen-address");
    return Integer.parseInt(address.substring(address.lastIndexOf(':') + 1));
  }

  /** The port Grafana listens on inside its container. */
  private static int grafanaPort() {
    String port = env("grafana").get("GF_SERVER_HTTP_PORT");
    assertNotNull(port, "grafana: set GF_SERVER_HTTP_PORT, so that its port is stated here");
    return Integer.parseInt(port);
  }

  /** The value of a --name=value flag of a service's command. */
  private static String flag(String service, String name) {
    List<String> values = list(services.get(service).get("command")).stream().map(Object::toString)
        .filter(a -> a.startsWith(name + "=")).map(a -> a.substring(name.length() + 1)).toList();
    assertEquals(1, values.size(), service + ": " + name + " in its command");
    return values.get(0);
  }

  /** The repository file or directory behind a container path, through a read-only bind mount of the service. */
  private static Path hostPath(String service, String containerPath) {
    assertNotNull(containerPath, service + ": no container path");
    for (Object v : list(services.get(service).get("volumes"))) {
      String[] f = v.toString().split(":");
      if (!f[0].startsWith("./")) {
        continue;
      }
      String rest = containerPath.equals(f[1]) ? "" : containerPath.startsWith(f[1] + "/") ? containerPath.substring(f[1].length() + 1) : null;
      if (rest != null) {
        assertTrue(f.length == 3 && Arrays.asList(f[2].split(",")).contains("ro"), service + ": " + v + " is not mounted read-only");
        Path path = root.resolve(f[0]).resolve(rest).normalize();
        assertTrue(Files.exists(path), service + ": " + containerPath + " is " + path + ", which does not exist");
        return path;
      }
    }
    fail(service + " mounts nothing from the repository at " + containerPath);
    return null;
  }

  private static List<Path> yamlFiles(Path dir) throws IOException {
    try (Stream<Path> files = Files.list(dir)) {
      List<Path> yaml = files.filter(p -> p.toString().endsWith(".yml") || p.toString().endsWith(".yaml")).sorted().toList();
      assertFalse(yaml.isEmpty(), dir + " holds no YAML file");
      return yaml;
    }
  }

  private static Map<String, Object> loadYaml(Path file) throws IOException {
    Object doc = new Yaml().load(Files.readString(file));
    assertTrue(doc instanceof Map, file + " is no YAML mapping");
    return map(doc);
  }

  /** Grafana's one provisioned datasource. */
  private static Map<String, Object> datasource() throws IOException {
    List<?> all = list(loadYaml(yamlFiles(hostPath("grafana", "/etc/grafana/provisioning/datasources")).get(0)).get("datasources"));
    assertEquals(1, all.size(), "Grafana's datasources");
    return map(all.get(0));
  }

  private static JsonNode dashboard() throws IOException {
    return new ObjectMapper().readTree(root.resolve("docker/grafana/dashboards/flash-sale.json").toFile());
  }

  /** Every panel of a dashboard, the ones inside rows too. */
  private static List<JsonNode> panels(JsonNode dashboard) {
    List<JsonNode> all = new ArrayList<>();
    for (JsonNode panel : dashboard.path("panels")) {
      all.add(panel);
      panel.path("panels").forEach(all::add);
    }
    return all;
  }

  /**
   * The metric names in a PromQL expression: identifiers left after removing strings, label
   * matchers, range selectors and by/on clauses, that are neither a function call nor a keyword.
   */
  private static Set<String> metricsOf(String expr) {
    String s = expr.replaceAll("\"(?:[^\"\\\\]|\\\\.)*\"", " ")
        .replaceAll("\\{[^}]*}", " ")
        .replaceAll("\\[[^]]*]", " ")
        .replaceAll("\\b(?:by|without|on|ignoring|group_left|group_right)\\s*\\([^)]*\\)", " ");
    Set<String> names = new TreeSet<>();
    Matcher m = Pattern.compile("(?<![A-Za-z0-9_:.])[A-Za-z_:][A-Za-z0-9_:]*").matcher(s);
    while (m.find()) {
      if (!s.substring(m.end()).stripLeading().startsWith("(") && !PROMQL_KEYWORDS.contains(m.group())) {
        names.add(m.group());
      }
    }
    return names;
  }

  /** A Prometheus duration (5s, 1m, 1h) in seconds. */
  private static long seconds(String duration) {
    Matcher m = Pattern.compile("^(\\d+)(s|m|h)$").matcher(duration.strip());
    assertTrue(m.matches(), "not a duration in s, m or h: " + duration);
    return Long.parseLong(m.group(1)) * switch (m.group(2)) {
      case "s" -> 1;
      case "m" -> 60;
      default -> 3600;
    };
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
