package io.seckill.verify;

import io.seckill.runtime.settings.Setting;
import io.seckill.runtime.settings.Settings;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;

/**
 * Where the verifier looks: every key of {@code verifier.properties}, each overridable by
 * {@code VERIFY_<KEY>} or the launcher's own {@code SECKILL_<KEY>} (so {@code SECKILL_DB_PORT} moves the
 * verifier together with the stack), read through the one {@link Settings} reader. Each key is
 * declared once below, with its range.
 */
public final class VerifierConfig {
  private static final String RESOURCE = "verifier.properties";
  private static final String ENV_PREFIX = "VERIFY";

  static final Setting<String> DB_HOST = Setting.string("db.host");
  static final Setting<Integer> DB_PORT = Setting.integer("db.port", 1, 65535);
  static final Setting<String> DB_USER = Setting.string("db.user");
  static final Setting<String> DB_PASSWORD = Setting.stringOrEmpty("db.password");
  /** Schema names: order, product, coupon, pay. */
  static final List<String> SCHEMAS = List.of("order", "product", "coupon", "pay");
  static final Setting<String> REDIS_HOST = Setting.string("redis.host");
  static final Setting<Integer> REDIS_PORT = Setting.integer("redis.port", 1, 65535);
  static final Setting<String> REDIS_PASSWORD = Setting.stringOrEmpty("redis.password");
  static final Setting<String> KAFKA_HOST = Setting.string("kafka.host");
  static final Setting<Integer> KAFKA_PORT = Setting.integer("kafka.port", 1, 65535);
  static final Setting<String> KAFKA_TOPIC = Setting.string("kafka.topic");
  static final Setting<String> KAFKA_DLQ_TOPIC = Setting.string("kafka.dlq-topic");
  static final Setting<String> KAFKA_GROUP = Setting.string("kafka.group");
  static final Setting<String> API_HOST = Setting.string("api.host");
  static final Setting<Integer> API_PORT = Setting.integer("api.port", 1, 65535);
  /** The API's admin listener (env SECKILL_ADMIN_PORT, as the launcher exports it). */
  static final Setting<Integer> ADMIN_PORT = Setting.integer("admin.port", 1, 65535);
  static final Setting<String> DTM_HOST = Setting.string("dtm.host");
  static final Setting<Integer> DTM_HTTP_PORT = Setting.integer("dtm.http-port", 1, 65535);
  static final Setting<Integer> DTM_CONCURRENCY = Setting.integer("dtm.concurrency", 1, 256);
  static final Setting<Integer> DTM_TIMEOUT_MS = Setting.integer("dtm.timeout-ms", 100, 600_000);
  static final Setting<String> GID_PREFIX = Setting.string("dtm.gid-prefix");
  static final Setting<Integer> WAIT_TIMEOUT_SECONDS = Setting.integer("wait.timeout-seconds", 0, 86_400);
  static final Setting<Integer> WAIT_POLL_MS = Setting.integer("wait.poll-ms", 50, 60_000);
  static final Setting<Integer> REPORT_MAX_IDS = Setting.integer("report.max-ids", 1, 10_000);
  static final Setting<Integer> OVERDUE_GRACE_SECONDS = Setting.integer("order.overdue-grace-seconds", 0, 86_400);

  private static final List<Setting<?>> KEYS;

  static {
    List<Setting<?>> keys = new ArrayList<>(List.of(DB_HOST, DB_PORT, DB_USER, DB_PASSWORD));
    SCHEMAS.forEach(s -> keys.add(schemaSetting(s)));
    keys.addAll(List.of(REDIS_HOST, REDIS_PORT, REDIS_PASSWORD, KAFKA_HOST, KAFKA_PORT, KAFKA_TOPIC, KAFKA_DLQ_TOPIC,
        KAFKA_GROUP, API_HOST, API_PORT, ADMIN_PORT, DTM_HOST, DTM_HTTP_PORT, DTM_CONCURRENCY, DTM_TIMEOUT_MS,
        GID_PREFIX, WAIT_TIMEOUT_SECONDS, WAIT_POLL_MS, REPORT_MAX_IDS, OVERDUE_GRACE_SECONDS));
    KEYS = List.copyOf(keys);
  }

  private final Settings settings;

  private VerifierConfig(Settings settings) {
    this.settings = settings;
  }

  /** Loads {@code verifier.properties} with the process environment on top, validated. */
  public static VerifierConfig load() {
    return new VerifierConfig(Settings.load(RESOURCE, ENV_PREFIX)).validate();
  }

  /** A config from explicit properties and environment, validated (tests). */
  static VerifierConfig of(Properties file, Map<String, String> env) {
    return new VerifierConfig(Settings.of(RESOURCE, file, ENV_PREFIX, env)).validate();
  }

  /** A copy with some keys replaced (tests, command-line options). */
  public VerifierConfig with(Map<String, String> overrides) {
    return new VerifierConfig(settings.with(overrides)).validate();
  }

  /** Fails fast naming every missing or bad key. */
  public VerifierConfig validate() {
    settings.check(KEYS);
    return this;
  }

  /** JDBC URL of the MariaDB server that holds all four service databases. */
  public String jdbcUrl() {
    return "jdbc:mysql://" + settings.get(DB_HOST) + ":" + settings.get(DB_PORT)
        + "/?connectTimeout=5000&socketTimeout=60000&useSSL=false&allowPublicKeyRetrieval=true";
  }

  /** Database user. */
  public String dbUser() {
    return settings.get(DB_USER);
  }

  /** Database password. */
  public String dbPassword() {
    return settings.get(DB_PASSWORD);
  }

  /** Schema names: order, product, coupon, pay. */
  public String schema(String which) {
    return settings.get(schemaSetting(which));
  }

  /** {@code http://host:port} of the buyer API. */
  public String apiUrl() {
    return "http://" + settings.get(API_HOST) + ":" + settings.get(API_PORT);
  }

  /** The buyer ports of {@code n} API instances: the first, then each further one 100 ports up. */
  public List<String> apiUrls(int n) {
    List<String> out = new ArrayList<>();
    for (int k = 1; k <= n; k++) {
      out.add("http://" + settings.get(API_HOST) + ":" + (settings.get(API_PORT) + 100 * (k - 1)));
    }
    return out;
  }

  /** {@code http://host:port} of the API's admin listener (env SECKILL_ADMIN_PORT, as the launcher exports it). */
  public String adminUrl() {
    return "http://" + settings.get(API_HOST) + ":" + settings.get(ADMIN_PORT);
  }

  /** {@code redis://host:port}. */
  public String redisAddress() {
    return "redis://" + settings.get(REDIS_HOST) + ":" + settings.get(REDIS_PORT);
  }

  /** Redis password, empty for none. */
  public String redisPassword() {
    return settings.get(REDIS_PASSWORD);
  }

  /** Kafka bootstrap servers. */
  public String kafkaBootstrap() {
    return settings.get(KAFKA_HOST) + ":" + settings.get(KAFKA_PORT);
  }

  /** The order topic. */
  public String kafkaTopic() {
    return settings.get(KAFKA_TOPIC);
  }

  /** The dead-letter topic. */
  public String kafkaDlqTopic() {
    return settings.get(KAFKA_DLQ_TOPIC);
  }

  /** The consumer group of seckill-consumer, whose lag must reach 0. */
  public String kafkaGroup() {
    return settings.get(KAFKA_GROUP);
  }

  /** Base URL of DTM's HTTP API. */
  public String dtmHttpBase() {
    return "http://" + settings.get(DTM_HOST) + ":" + settings.get(DTM_HTTP_PORT);
  }

  /** How many DTM lookups by gid are in flight at once. */
  public int dtmConcurrency() {
    return settings.get(DTM_CONCURRENCY);
  }

  /** Timeout of each request to DTM's HTTP API. */
  public int dtmTimeoutMillis() {
    return settings.get(DTM_TIMEOUT_MS);
  }

  /** Prefix of the gids the consumer mints; other gids belong to other tools' tests. */
  public String gidPrefix() {
    return settings.get(GID_PREFIX);
  }

  /** Default bound on the wait for quiet. */
  public int waitTimeoutSeconds() {
    return settings.get(WAIT_TIMEOUT_SECONDS);
  }

  /** Poll interval of the wait for quiet. */
  public int pollMillis() {
    return settings.get(WAIT_POLL_MS);
  }

  /**
   * How long past its payment deadline an order may still be CONFIRMED before it counts as overdue:
   * the expirer's scan interval plus the saga's run, with room for a restart.
   */
  public int overdueGraceSeconds() {
    return settings.get(OVERDUE_GRACE_SECONDS);
  }

  /** How many offending ids a violated invariant names. */
  public int maxIds() {
    return settings.get(REPORT_MAX_IDS);
  }

  private static Setting<String> schemaSetting(String which) {
    return Setting.string("db." + which + "-name");
  }
}
