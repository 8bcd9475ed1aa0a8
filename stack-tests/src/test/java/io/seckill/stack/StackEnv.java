package io.seckill.stack;

import java.nio.file.Files;
import java.nio.file.Path;

/** Endpoints of the local stack, from the same env keys and defaults as ./seckill. */
final class StackEnv {

  static final String HOST = "127.0.0.1";

  private StackEnv() {
  }

  /** The env value of {@code key}, or {@code fallback} when unset or blank. */
  static String get(String key, String fallback) {
    String value = System.getenv(key);
    return value == null || value.isBlank() ? fallback : value;
  }

  static int port(String key, int fallback) {
    String value = get(key, Integer.toString(fallback));
    try {
      return Integer.parseInt(value.trim());
    } catch (NumberFormatException e) {
      throw new IllegalStateException(key + " must be a port number, got '" + value + "'", e);
    }
  }

  static int dbPort() {
    return port("SECKILL_DB_PORT", 3306);
  }

  static String dbUser() {
    return get("SECKILL_DB_USER", "seckill");
  }

  static String dbPassword() {
    return get("SECKILL_DB_PASSWORD", "seckill");
  }

  static int redisPort() {
    return port("SECKILL_REDIS_PORT", 6379);
  }

  static String kafkaBootstrap() {
    return HOST + ":" + port("SECKILL_KAFKA_PORT", 9092);
  }

  static int dtmHttpPort() {
    return port("SECKILL_DTM_HTTP_PORT", 36789);
  }

  static int dtmGrpcPort() {
    return port("SECKILL_DTM_GRPC_PORT", 36790);
  }

  /** JDBC URL with no default schema; the scripts under test choose theirs with USE. */
  static String jdbcUrl() {
    return "jdbc:mysql://" + HOST + ":" + dbPort() + "/?allowMultiQueries=true&connectTimeout=5000";
  }

  /** JDBC URL of one schema, as the services connect. */
  static String jdbcUrl(String schema) {
    return "jdbc:mysql://" + HOST + ":" + dbPort() + "/" + schema + "?sslMode=DISABLED&connectTimeout=5000";
  }

  /** The repo's sql/ directory: Maven runs tests from the module dir, one level below the root. */
  static Path sqlDir() {
    return repoRoot().resolve("sql");
  }

  /** The repo root (the directory holding sql/product.sql). */
  static Path repoRoot() {
    for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
      if (Files.isRegularFile(dir.resolve("sql/product.sql"))) {
        return dir;
      }
    }
    throw new IllegalStateException("no sql/product.sql above " + Path.of("").toAbsolutePath());
  }

  /** The launcher's private dir: SECKILL_STACK_DIR (set by ./seckill), else .stack at the repo root. */
  static Path stackDir() {
    String dir = get("SECKILL_STACK_DIR", "");
    return dir.isEmpty() ? repoRoot().resolve(".stack") : Path.of(dir);
  }
}
