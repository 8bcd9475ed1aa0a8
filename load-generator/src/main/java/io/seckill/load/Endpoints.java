package io.seckill.load;

import io.seckill.auth.StackSecrets;
import io.seckill.dtm.client.DtmClientConfig;
import java.net.URI;
import java.time.Duration;
import java.util.Map;

/**
 * Where the stack answers, from env keys with the launcher's defaults (all on 127.0.0.1), and the
 * stack's secrets the load generator proves itself with.
 *
 * @param kafkaBootstrap SECKILL_KAFKA_BOOTSTRAP, else 127.0.0.1:$SECKILL_KAFKA_PORT (9092)
 * @param apiUrl the API's buyer port: SECKILL_API_URL, else http://127.0.0.1:$SECKILL_API_PORT (8080)
 * @param adminUrl the API's admin listener (sales admin, /metrics): SECKILL_ADMIN_URL, else
 *     http://127.0.0.1:$SECKILL_ADMIN_PORT (8081)
 * @param secrets the stack's secret files (buyer token key, order signing keyring, admin token);
 *     read only when used, so a run that needs none of them works without them
 * @param dbHost SECKILL_DB_HOST (127.0.0.1)
 * @param dbPort SECKILL_DB_PORT (3306)
 * @param dbUser SECKILL_DB_USER (seckill)
 * @param dbPassword SECKILL_DB_PASSWORD (seckill)
 * @param consumerMetricsUrl SECKILL_CONSUMER_METRICS_URL (http://127.0.0.1:9100/metrics)
 */
public record Endpoints(String kafkaBootstrap, String apiUrl, String adminUrl, StackSecrets secrets, String dbHost,
    int dbPort, String dbUser, String dbPassword, String consumerMetricsUrl) {

  /** The order topic of docs/design.md. */
  public static final String ORDER_TOPIC = "seckill.orders";
  /** Where the consumer puts what it cannot parse. */
  public static final String DLQ_TOPIC = "seckill.orders.dlq";

  /** The endpoints {@code env} describes (pass {@code System.getenv()}). */
  public static Endpoints fromEnv(Map<String, String> env) {
    String kafka = env.getOrDefault("SECKILL_KAFKA_BOOTSTRAP",
        "127.0.0.1:" + env.getOrDefault("SECKILL_KAFKA_PORT", "9092"));
    String api = env.getOrDefault("SECKILL_API_URL",
        "http://127.0.0.1:" + env.getOrDefault("SECKILL_API_PORT", "8080"));
    String admin = env.getOrDefault("SECKILL_ADMIN_URL",
        "http://127.0.0.1:" + env.getOrDefault("SECKILL_ADMIN_PORT", "8081"));
    String port = env.getOrDefault("SECKILL_DB_PORT", "3306");
    int dbPort;
    try {
      dbPort = Integer.parseInt(port);
    } catch (NumberFormatException e) {
      throw new LoadOptions.UsageException("SECKILL_DB_PORT must be a port number, not '" + port + "'");
    }
    Endpoints e = new Endpoints(kafka, trimSlash(api), trimSlash(admin), StackSecrets.of(env),
        env.getOrDefault("SECKILL_DB_HOST", "127.0.0.1"), dbPort,
        env.getOrDefault("SECKILL_DB_USER", "seckill"), env.getOrDefault("SECKILL_DB_PASSWORD", "seckill"),
        env.getOrDefault("SECKILL_CONSUMER_METRICS_URL",
            "http://127.0.0.1:" + env.getOrDefault("SECKILL_CONSUMER_METRICS_PORT", "9100") + "/metrics"));
    e.validate();
    return e;
  }

  /**
   * DTM as {@code env} describes it: SECKILL_DTM_GRPC, else 127.0.0.1:$SECKILL_DTM_GRPC_PORT (36790);
   * SECKILL_DTM_HTTP, else http://127.0.0.1:$SECKILL_DTM_HTTP_PORT (36789); SECKILL_DTM_CALL_TIMEOUT_MS
   * (10000). The load generator has no settings file, so these are plain env lookups.
   */
  public static DtmClientConfig dtm(Map<String, String> env) {
    String grpc = nonBlank(env, "SECKILL_DTM_GRPC", "127.0.0.1:" + nonBlank(env, "SECKILL_DTM_GRPC_PORT", "36790"));
    String http = nonBlank(env, "SECKILL_DTM_HTTP",
        "http://127.0.0.1:" + nonBlank(env, "SECKILL_DTM_HTTP_PORT", "36789"));
    String timeout = nonBlank(env, "SECKILL_DTM_CALL_TIMEOUT_MS", "10000");
    try {
      return new DtmClientConfig(grpc, URI.create(http), Duration.ofMillis(Long.parseLong(timeout)));
    } catch (IllegalArgumentException e) {
      throw new LoadOptions.UsageException("DTM settings (SECKILL_DTM_*): " + e.getMessage());
    }
  }

  private static String nonBlank(Map<String, String> env, String key, String dflt) {
    String v = env.get(key);
    return v == null || v.isBlank() ? dflt : v.trim();
  }

  private static String trimSlash(String url) {
    return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
  }

  /** Fails naming the first empty or out-of-range setting. */
  public void validate() {
    if (kafkaBootstrap.isBlank()) {
      throw new LoadOptions.UsageException("SECKILL_KAFKA_BOOTSTRAP is empty");
    }
    if (!apiUrl.startsWith("http://") && !apiUrl.startsWith("https://")) {
      throw new LoadOptions.UsageException("SECKILL_API_URL must start with http:// or https://, got '" + apiUrl + "'");
    }
    if (!adminUrl.startsWith("http://") && !adminUrl.startsWith("https://")) {
      throw new LoadOptions.UsageException("SECKILL_ADMIN_URL must start with http:// or https://, got '" + adminUrl
          + "'");
    }
    if (dbHost.isBlank() || dbUser.isBlank()) {
      throw new LoadOptions.UsageException("SECKILL_DB_HOST and SECKILL_DB_USER must not be empty");
    }
    if (dbPort < 1 || dbPort > 65535) {
      throw new LoadOptions.UsageException("SECKILL_DB_PORT must be within 1..65535, got " + dbPort);
    }
  }

  /** The value of {@code Authorization} for the API's admin listener: the stack's operator token. */
  public String adminAuthorization() {
    return "Bearer " + secrets.adminTokenValue();
  }

  /** A JDBC URL for {@code database} on the stack's MariaDB. */
  public String jdbcUrl(String database) {
    // rewriteBatchedStatements: setup inserts thousands of rows; multi-row INSERTs make that one round trip.
    return "jdbc:mysql://" + dbHost + ":" + dbPort + "/" + database
        + "?rewriteBatchedStatements=true&useSSL=false&allowPublicKeyRetrieval=true";
  }
}
