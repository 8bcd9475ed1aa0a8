package io.seckill.api;

import io.seckill.runtime.ConfigException;
import io.seckill.runtime.ServiceConfig;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;

/**
 * The API's settings: {@code seckill-api.properties} on the classpath, each key overridable from the
 * environment. A key's env name is the key upper-cased with {@code .} and {@code -} as {@code _}, under
 * the {@code SECKILL_API_} prefix first and the project-wide {@code SECKILL_} prefix second, the same rule the
 * services follow: {@code redis.port} comes from {@code SECKILL_API_REDIS_PORT}, else {@code SECKILL_REDIS_PORT}.
 */
public final class ApiConfig {
  /** Bind address of the HTTP server. */
  public static final String HTTP_HOST = "api.host";
  /** HTTP port (env SECKILL_API_PORT); 0 picks a free one (tests). */
  public static final String HTTP_PORT = "api.port";
  /** Largest request body in bytes; bigger ones get 413. */
  public static final String HTTP_MAX_BODY_BYTES = "http.max-body-bytes";
  /** Undertow worker threads: the blocking routes, coupon lookups and Kafka send() (never the ack wait). */
  public static final String HTTP_WORKER_THREADS = "http.worker-threads";
  /** Undertow I/O threads. */
  public static final String HTTP_IO_THREADS = "http.io-threads";
  /** Shared secret for the admin endpoints; empty means none (the server binds 127.0.0.1). */
  public static final String ADMIN_TOKEN = "admin.token";
  /** Redis host. */
  public static final String REDIS_HOST = "redis.host";
  /** Redis port. */
  public static final String REDIS_PORT = "redis.port";
  /** Redis password; may be empty. */
  public static final String REDIS_PASSWORD = "redis.password";
  /** Redis command timeout. */
  public static final String REDIS_TIMEOUT_MS = "redis.timeout-ms";
  /** Redisson connection pool size. */
  public static final String REDIS_POOL_SIZE = "redis.pool-size";
  /** Kafka broker host. */
  public static final String KAFKA_HOST = "kafka.host";
  /** Kafka broker port (env SECKILL_KAFKA_PORT, as the launcher exports it). */
  public static final String KAFKA_PORT = "kafka.port";
  /** Topic of the order messages. */
  public static final String KAFKA_TOPIC = "kafka.topic";
  /** Upper bound for one publish, from send to ack (Kafka's delivery.timeout.ms). */
  public static final String KAFKA_DELIVERY_TIMEOUT_MS = "kafka.delivery-timeout-ms";
  /** How long send() may block for metadata when the broker is away (max.block.ms). */
  public static final String KAFKA_MAX_BLOCK_MS = "kafka.max-block-ms";
  /** Producer linger: small batching under load. */
  public static final String KAFKA_LINGER_MS = "kafka.linger-ms";
  /** Producer batch.size in bytes (per partition). */
  public static final String KAFKA_BATCH_BYTES = "kafka.batch-bytes";
  /** Producer compression.type: none, lz4, snappy, zstd or gzip. */
  public static final String KAFKA_COMPRESSION = "kafka.compression";
  /** Redisson's Netty I/O threads (they also run the admission callbacks). */
  public static final String REDIS_NETTY_THREADS = "redis.netty-threads";
  /** order-rpc host. */
  public static final String ORDER_HOST = "order.host";
  /** order-rpc port (env SECKILL_ORDER_GRPC_PORT, as the launcher exports it). */
  public static final String ORDER_PORT = "order.grpc-port";
  /** product-rpc host. */
  public static final String PRODUCT_HOST = "product.host";
  /** product-rpc port (env SECKILL_PRODUCT_GRPC_PORT). */
  public static final String PRODUCT_PORT = "product.grpc-port";
  /** Deadline of one gRPC call. */
  public static final String RPC_DEADLINE_MS = "rpc.deadline-ms";
  /** Largest quantity one order may ask for. */
  public static final String ORDER_MAX_QUANTITY = "order.max-quantity";
  /** Admission attempts one user may make per product and window; 0 disables the limit. */
  public static final String RATE_LIMIT = "rate-limit.requests";
  /** The rate-limit window. */
  public static final String RATE_WINDOW_MS = "rate-limit.window-ms";
  /** Where coupon discounts come from: {@code jdbc} (seckill_coupon) or {@code fixed}. */
  public static final String COUPON_SOURCE = "coupon.source";
  /** The discount of every coupon when {@code coupon.source=fixed}. */
  public static final String COUPON_FIXED_DISCOUNT = "coupon.fixed-discount-cents";
  /** MariaDB host (coupon discounts). */
  public static final String DB_HOST = "db.host";
  /** MariaDB port. */
  public static final String DB_PORT = "db.port";
  /** The coupon database. */
  public static final String DB_COUPON_NAME = "db.coupon-name";
  /** Database user. */
  public static final String DB_USER = "db.user";
  /** Database password; may be empty. */
  public static final String DB_PASSWORD = "db.password";
  /** How often the reconciler runs; 0 disables it. */
  public static final String RECONCILE_INTERVAL_MS = "reconcile.interval-ms";
  /** Admissions younger than this are left alone (still on their way through Kafka). */
  public static final String RECONCILE_MIN_AGE_MS = "reconcile.min-age-ms";
  /** An admission never acknowledged by Kafka after this long is cancelled through order-rpc. */
  public static final String RECONCILE_STALE_MS = "reconcile.stale-unpublished-ms";
  /** Orders looked at per product and pass. */
  public static final String RECONCILE_BATCH = "reconcile.batch";
  /** Products the "open all" admin call opens, e.g. {@code 1-20} or {@code 1,2,5-7}. */
  public static final String SALES_DEMO_PRODUCTS = "sales.demo-products";

  private static final String RESOURCE = "seckill-api.properties";
  private static final String ENV_PREFIX = "SECKILL_API";

  /** File, env overrides and the basic typed reads: the same rules as every other part's config. */
  private final ServiceConfig config;

  private ApiConfig(ServiceConfig config) {
    this.config = config;
  }

  /** Loads {@code seckill-api.properties} from the classpath, overridden by the process environment. */
  public static ApiConfig load() {
    return new ApiConfig(ServiceConfig.load(RESOURCE, ENV_PREFIX));
  }

  /** A config from explicit properties and environment, for tests and tools. */
  public static ApiConfig of(Properties file, Map<String, String> env) {
    return new ApiConfig(ServiceConfig.of(file, ENV_PREFIX, env));
  }

  /** A copy with some keys replaced; the replacements win over the environment too. */
  public ApiConfig with(Map<String, String> overrides) {
    return new ApiConfig(config.with(overrides));
  }

  /** The environment variables that override {@code key}, strongest first. */
  public List<String> envNames(String key) {
    return config.envNames(key);
  }

  /** The value of {@code key} after env overrides, if set at all. */
  public Optional<String> find(String key) {
    return config.find(key);
  }

  /** The value of {@code key}, which must be set and not blank. */
  public String string(String key) {
    return config.string(key);
  }

  /** The value of {@code key}, which must be set but may be empty (a password). */
  public String stringOrEmpty(String key) {
    return config.stringOrEmpty(key);
  }

  /** The value of {@code key} as an int in {@code [min, max]}. */
  public int integer(String key, int min, int max) {
    return config.integer(key, min, max);
  }

  /** The value of {@code key} as a long in {@code [min, max]}. */
  public long number(String key, long min, long max) {
    String v = string(key);
    long n;
    try {
      n = Long.parseLong(v);
    } catch (NumberFormatException e) {
      throw bad(key, v, "is not a whole number");
    }
    if (n < min || n > max) {
      throw bad(key, v, "is outside " + min + ".." + max);
    }
    return n;
  }

  /** The value of {@code key}, which must be one of {@code allowed}. */
  public String oneOf(String key, String... allowed) {
    String v = string(key);
    for (String a : allowed) {
      if (a.equals(v)) {
        return v;
      }
    }
    throw bad(key, v, "is not one of " + String.join(", ", allowed));
  }

  /** {@code host:port} from two keys. */
  public String address(String hostKey, String portKey) {
    return string(hostKey) + ":" + integer(portKey, 1, 65535);
  }

  /** The value of {@code key} as a list of product ids: {@code 1-20}, {@code 1,3,7-9}. */
  public List<Long> idList(String key) {
    String v = string(key);
    try {
      return parseIds(v);
    } catch (IllegalArgumentException e) {
      throw bad(key, v, e.getMessage());
    }
  }

  /** Parses {@code 1-20} or {@code 1,3,7-9} into ids, at most 100,000 of them. */
  public static List<Long> parseIds(String spec) {
    List<Long> ids = new ArrayList<>();
    for (String part : spec.split(",")) {
      String p = part.trim();
      if (p.isEmpty()) {
        continue;
      }
      int dash = p.indexOf('-', 1);
      long from;
      long to;
      try {
        from = Long.parseLong(dash < 0 ? p : p.substring(0, dash).trim());
        to = dash < 0 ? from : Long.parseLong(p.substring(dash + 1).trim());
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("'" + p + "' is not an id or a range of ids");
      }
      if (from < 1 || to < from) {
        throw new IllegalArgumentException("'" + p + "' is not a range of positive ids");
      }
      for (long id = from; id <= to; id++) {
        ids.add(id);
        if (ids.size() > 100_000) {
          throw new IllegalArgumentException("more than 100000 ids");
        }
      }
    }
    if (ids.isEmpty()) {
      throw new IllegalArgumentException("no ids");
    }
    return ids;
  }

  /**
   * Reads every key the API uses and fails with one message naming each missing or bad key, so the
   * server refuses to start instead of failing on its first request.
   */
  public ApiConfig validate() {
    List<String> problems = new ArrayList<>();
    check(problems, () -> string(HTTP_HOST));
    check(problems, () -> integer(HTTP_PORT, 0, 65535));
    check(problems, () -> integer(HTTP_MAX_BODY_BYTES, 64, 1 << 20));
    check(problems, () -> integer(HTTP_WORKER_THREADS, 1, 4096));
    check(problems, () -> integer(HTTP_IO_THREADS, 1, 64));
    check(problems, () -> stringOrEmpty(ADMIN_TOKEN));
    check(problems, () -> string(REDIS_HOST));
    check(problems, () -> integer(REDIS_PORT, 1, 65535));
    check(problems, () -> stringOrEmpty(REDIS_PASSWORD));
    check(problems, () -> integer(REDIS_TIMEOUT_MS, 50, 60_000));
    check(problems, () -> integer(REDIS_POOL_SIZE, 1, 1024));
    check(problems, () -> string(KAFKA_HOST));
    check(problems, () -> integer(KAFKA_PORT, 1, 65535));
    check(problems, () -> string(KAFKA_TOPIC));
    check(problems, () -> integer(KAFKA_DELIVERY_TIMEOUT_MS, 1000, 600_000));
    check(problems, () -> integer(KAFKA_MAX_BLOCK_MS, 100, 600_000));
    check(problems, () -> integer(KAFKA_LINGER_MS, 0, 1000));
    check(problems, () -> integer(KAFKA_BATCH_BYTES, 1024, 16 << 20));
    check(problems, () -> oneOf(KAFKA_COMPRESSION, "none", "lz4", "snappy", "zstd", "gzip"));
    check(problems, () -> integer(REDIS_NETTY_THREADS, 1, 256));
    check(problems, () -> string(ORDER_HOST));
    check(problems, () -> integer(ORDER_PORT, 1, 65535));
    check(problems, () -> string(PRODUCT_HOST));
    check(problems, () -> integer(PRODUCT_PORT, 1, 65535));
    check(problems, () -> integer(RPC_DEADLINE_MS, 50, 60_000));
    check(problems, () -> integer(ORDER_MAX_QUANTITY, 1, 1000));
    check(problems, () -> integer(RATE_LIMIT, 0, 1_000_000));
    check(problems, () -> integer(RATE_WINDOW_MS, 1, 3_600_000));
    check(problems, () -> oneOf(COUPON_SOURCE, "jdbc", "fixed"));
    check(problems, () -> number(COUPON_FIXED_DISCOUNT, 0, Long.MAX_VALUE));
    check(problems, () -> string(DB_HOST));
    check(problems, () -> integer(DB_PORT, 1, 65535));
    check(problems, () -> string(DB_COUPON_NAME));
    check(problems, () -> string(DB_USER));
    check(problems, () -> stringOrEmpty(DB_PASSWORD));
    check(problems, () -> integer(RECONCILE_INTERVAL_MS, 0, 3_600_000));
    check(problems, () -> integer(RECONCILE_MIN_AGE_MS, 0, 3_600_000));
    check(problems, () -> integer(RECONCILE_STALE_MS, 1000, 86_400_000));
    check(problems, () -> integer(RECONCILE_BATCH, 1, 100_000));
    check(problems, () -> idList(SALES_DEMO_PRODUCTS));
    if (!problems.isEmpty()) {
      throw new ConfigException(RESOURCE + ": " + String.join("; ", problems));
    }
    // Publishing waits for the ack past Kafka's own deadline, so a send never ends "unknown".
    if (integer(KAFKA_DELIVERY_TIMEOUT_MS, 1000, 600_000) <= integer(KAFKA_LINGER_MS, 0, 1000)) {
      throw bad(KAFKA_DELIVERY_TIMEOUT_MS, find(KAFKA_DELIVERY_TIMEOUT_MS).orElse(""),
          "must exceed " + KAFKA_LINGER_MS);
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

  private ConfigException bad(String key, String value, String why) {
    return new ConfigException("bad setting '" + key + "' = '" + value + "': " + why + " (from " + RESOURCE
        + " or env " + String.join(" / ", envNames(key)) + ")");
  }
}
