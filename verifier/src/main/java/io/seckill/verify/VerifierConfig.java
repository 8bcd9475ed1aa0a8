package io.seckill.verify;

import io.seckill.runtime.ConfigException;
import io.seckill.runtime.ServiceConfig;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Where the verifier looks: every key of {@code verifier.properties}, each overridable by
 * {@code VERIFY_<KEY>} or the launcher's own {@code SECKILL_<KEY>} (so {@code SECKILL_DB_PORT} moves the
 * verifier together with the stack).
 */
public final class VerifierConfig {
  private final ServiceConfig config;

  private VerifierConfig(ServiceConfig config) {
    this.config = config;
  }

  /** Loads {@code verifier.properties} with the process environment on top, validated. */
  public static VerifierConfig load() {
    return new VerifierConfig(ServiceConfig.load("verifier.properties", "VERIFY")).validate();
  }

  /** A copy with some keys replaced (tests, command-line options). */
  public VerifierConfig with(Map<String, String> overrides) {
    return new VerifierConfig(config.with(overrides)).validate();
  }

  /** Fails fast naming every missing or bad key. */
  public VerifierConfig validate() {
    List<String> problems = new ArrayList<>();
    for (String key : List.of("db.host", "db.user", "db.order-name", "db.product-name", "db.coupon-name",
        "db.pay-name", "redis.host", "kafka.host", "kafka.topic", "kafka.dlq-topic", "kafka.group",
        "api.host", "dtm.host", "dtm.gid-prefix")) {
      check(problems, () -> config.string(key));
    }
    check(problems, () -> config.stringOrEmpty("db.password"));
    check(problems, () -> config.stringOrEmpty("redis.password"));
    for (String key : List.of("db.port", "redis.port", "kafka.port", "api.port", "dtm.http-port")) {
      check(problems, () -> config.integer(key, 1, 65535));
    }
    check(problems, () -> config.integer("wait.timeout-seconds", 0, 86_400));
    check(problems, () -> config.integer("wait.poll-ms", 50, 60_000));
    check(problems, () -> config.integer("report.max-ids", 1, 10_000));
    check(problems, () -> config.integer("dtm.concurrency", 1, 256));
    check(problems, () -> config.integer("dtm.timeout-ms", 100, 600_000));
    if (!problems.isEmpty()) {
      throw new ConfigException("verifier.properties: " + String.join("; ", problems));
    }
    return this;
  }

  private static void check(List<String> problems, Runnable read) {
    try {
      read.run();
    } catch (ConfigException e) {
      problems.add(e.getMessage());
    }
  }

  /** JDBC URL of the MariaDB server that holds all four service databases. */
  public String jdbcUrl() {
    return "jdbc:mysql://" + config.string("db.host") + ":" + config.integer("db.port", 1, 65535)
        + "/?connectTimeout=5000&socketTimeout=60000&useSSL=false&allowPublicKeyRetrieval=true";
  }

  /** Database user. */
  public String dbUser() {
    return config.string("db.user");
  }

  /** Database password. */
  public String dbPassword() {
    return config.stringOrEmpty("db.password");
  }

  /** Schema names: order, product, coupon, pay. */
  public String schema(String which) {
    return config.string("db." + which + "-name");
  }

  /** {@code http://host:port} of the buyer API. */
  public String apiUrl() {
    return "http://" + config.string("api.host") + ":" + config.integer("api.port", 1, 65535);
  }

  /** The buyer ports of {@code n} API instances: the first, then each further one 100 ports up. */
  public java.util.List<String> apiUrls(int n) {
    java.util.List<String> out = new java.util.ArrayList<>();
    for (int k = 1; k <= n; k++) {
      out.add("http://" + config.string("api.host") + ":" + (config.integer("api.port", 1, 65535) + 100 * (k - 1)));
    }
    return out;
  }

  /** {@code http://host:port} of the API's admin listener (env SECKILL_ADMIN_PORT, as the launcher exports it). */
  public String adminUrl() {
    return "http://" + config.string("api.host") + ":" + config.integer("admin.port", 1, 65535);
  }

  /** {@code redis://host:port}. */
  public String redisAddress() {
    return "redis://" + config.string("redis.host") + ":" + config.integer("redis.port", 1, 65535);
  }

  /** Redis password, empty for none. */
  public String redisPassword() {
    return config.stringOrEmpty("redis.password");
  }

  /** Kafka bootstrap servers. */
  public String kafkaBootstrap() {
    return config.string("kafka.host") + ":" + config.integer("kafka.port", 1, 65535);
  }

  /** The order topic. */
  public String kafkaTopic() {
    return config.string("kafka.topic");
  }

  /** The dead-letter topic. */
  public String kafkaDlqTopic() {
    return config.string("kafka.dlq-topic");
  }

  /** The consumer group of seckill-consumer, whose lag must reach 0. */
  public String kafkaGroup() {
    return config.string("kafka.group");
  }

  /** Base URL of DTM's HTTP API. */
  public String dtmHttpBase() {
    return "http://" + config.string("dtm.host") + ":" + config.integer("dtm.http-port", 1, 65535);
  }

  /** How many DTM lookups by gid are in flight at once. */
  public int dtmConcurrency() {
    return config.integer("dtm.concurrency", 1, 256);
  }

  /** Timeout of each request to DTM's HTTP API. */
  public int dtmTimeoutMillis() {
    return config.integer("dtm.timeout-ms", 100, 600_000);
  }

  /** Prefix of the gids the consumer mints; other gids belong to other tools' tests. */
  public String gidPrefix() {
    return config.string("dtm.gid-prefix");
  }

  /** Default bound on the wait for quiet. */
  public int waitTimeoutSeconds() {
    return config.integer("wait.timeout-seconds", 0, 86_400);
  }

  /** Poll interval of the wait for quiet. */
  public int pollMillis() {
    return config.integer("wait.poll-ms", 50, 60_000);
  }

  /**
   * How long past its payment deadline an order may still be CONFIRMED before it counts as overdue:
   * the expirer's scan interval plus the saga's run, with room for a restart.
   */
  public int overdueGraceSeconds() {
    return config.integer("order.overdue-grace-seconds", 0, 86_400);
  }

  /** How many offending ids a violated invariant names. */
  public int maxIds() {
    return config.integer("report.max-ids", 1, 10_000);
  }
}
