package io.seckill.api;

import io.seckill.runtime.ConfigException;
import io.seckill.runtime.ServiceConfig;
import io.seckill.runtime.tracing.Tracing;
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
  /** Most requests in flight on the buyer port; past it the answer is 503 at once. */
  public static final String HTTP_MAX_IN_FLIGHT = "http.max-in-flight";
  /** Longest time a request body may take to arrive in full (slow bodies get 408). */
  public static final String HTTP_BODY_TIMEOUT_MS = "http.body-timeout-ms";
  /** A connection's read blocks longer than this are closed (Undertow/XNIO READ_TIMEOUT). */
  public static final String HTTP_READ_TIMEOUT_MS = "http.read-timeout-ms";
  /** Idle keep-alive connections are closed after this (IDLE_TIMEOUT and NO_REQUEST_TIMEOUT). */
  public static final String HTTP_IDLE_TIMEOUT_MS = "http.idle-timeout-ms";
  /** On SIGTERM, how long requests in progress may take to finish (new ones get 503 meanwhile). */
  public static final String HTTP_SHUTDOWN_DRAIN_MS = "http.shutdown-drain-ms";
  /** Longest time the request line and headers may take (REQUEST_PARSE_TIMEOUT). */
  public static final String HTTP_PARSE_TIMEOUT_MS = "http.parse-timeout-ms";
  /** Requests per second one client IP may make on the buyer port; 0 disables the limit. */
  public static final String CLIENT_RATE = "http.client-rate-per-second";
  /** The burst one client IP may send above its rate. */
  public static final String CLIENT_BURST = "http.client-burst";
  /** Client IPs whose buckets are kept (the least recently seen are forgotten first). */
  public static final String CLIENT_MAX_TRACKED = "http.client-max-tracked";
  /** Proxies (IPs or CIDR blocks, comma-separated) whose X-Forwarded-For is believed; empty: none. */
  public static final String TRUSTED_PROXIES = "http.trusted-proxies";
  /** Bind address of the admin listener. */
  public static final String ADMIN_HOST = "admin.host";
  /** Port of the admin listener (env SECKILL_ADMIN_PORT); 0 picks a free one (tests). */
  public static final String ADMIN_PORT = "admin.port";
  /** The operator token, given literally (env SECKILL_ADMIN_TOKEN); empty: read admin.token-file. */
  public static final String ADMIN_TOKEN = "admin.token";
  /** A file holding the operator token (env SECKILL_ADMIN_TOKEN_FILE; the launcher writes one). */
  public static final String ADMIN_TOKEN_FILE = "admin.token-file";
  /** Development only: start without an operator token, the admin routes open (a loud warning). */
  public static final String ADMIN_ALLOW_NO_TOKEN = "admin.allow-no-token";
  /** Most product ids one admin call may name. */
  public static final String ADMIN_MAX_IDS = "admin.max-ids";
  /** A reopen is refused while a sale has more admissions than this still to settle. */
  public static final String ADMIN_REOPEN_MAX_PENDING = "admin.reopen-max-pending";
  /** How long an admin call waits for its job; past it the answer is 202 and the job goes on. */
  public static final String ADMIN_WAIT_MS = "admin.wait-ms";
  /** The HS256 secret buyer tokens are checked with (a base64url file); empty: none. */
  public static final String TOKEN_SECRET_FILE = "buyer-token.secret-file";
  /** A PEM public key (RSA or EC) for RS256/ES256 buyer tokens; empty: none. */
  public static final String TOKEN_PUBLIC_KEY_FILE = "buyer-token.public-key-file";
  /** A JWK set file of public keys for RS256/ES256 buyer tokens; empty: none. */
  public static final String TOKEN_JWKS_FILE = "buyer-token.jwks-file";
  /** The {@code iss} buyer tokens must carry. */
  public static final String TOKEN_ISSUER = "buyer-token.issuer";
  /** The {@code aud} buyer tokens must include. */
  public static final String TOKEN_AUDIENCE = "buyer-token.audience";
  /** Clock skew allowed on {@code exp} and {@code nbf}, in seconds. */
  public static final String TOKEN_CLOCK_SKEW_S = "buyer-token.clock-skew-s";
  /** The keyring order messages are signed with (env SECKILL_ORDER_SIGNING_KEYS_FILE). */
  public static final String ORDER_SIGNING_KEYS_FILE = "order-signing.keys-file";
  /** Host DTM and the API use to reach pay-rpc. */
  public static final String PAY_HOST = "pay.host";
  /** pay-rpc's gRPC port (env SECKILL_PAY_GRPC_PORT). */
  public static final String PAY_PORT = "pay.grpc-port";
  /** DTM's host. */
  public static final String DTM_HOST = "dtm.host";
  /** DTM's gRPC port (env SECKILL_DTM_GRPC_PORT). */
  public static final String DTM_GRPC_PORT = "dtm.grpc-port";
  /** DTM's HTTP port (env SECKILL_DTM_HTTP_PORT): the saga status queries. */
  public static final String DTM_HTTP_PORT = "dtm.http-port";
  /** Bind address of the API's gRPC listener (the AdmissionSaga branch DTM calls). */
  public static final String GRPC_HOST = "grpc.host";
  /** Port of the API's gRPC listener (env SECKILL_API_GRPC_PORT); 0 disables it (tests). */
  public static final String GRPC_PORT = "grpc.port";
  /** The host DTM is told to call the AdmissionSaga branch on. */
  public static final String GRPC_ADVERTISED_HOST = "grpc.advertised-host";
  /** The payment provider's callback secret (base64url file, env SECKILL_PAYMENT_PROVIDER_SECRET_FILE). */
  public static final String PAYMENT_SECRET_FILE = "payment.provider-secret-file";
  /** How far a callback's signed time may be from now, in seconds: the replay window. */
  public static final String PAYMENT_TOLERANCE_S = "payment.callback-tolerance-s";
  /** The simulated provider's share of successful payments (0..1). */
  public static final String PAYMENT_SIM_SUCCESS = "payment.simulated.success-rate";
  /** The simulated provider's delay before its callback, in ms. */
  public static final String PAYMENT_SIM_DELAY_MS = "payment.simulated.delay-ms";
  /** Whether this instance runs the expirer. */
  public static final String EXPIRY_ENABLED = "expiry.enabled";
  /** Time between two expiry passes. */
  public static final String EXPIRY_INTERVAL_MS = "expiry.scan-interval-ms";
  /** Most due orders one pass takes. */
  public static final String EXPIRY_BATCH = "expiry.batch";
  /** Expiry sagas one instance runs at once. */
  public static final String EXPIRY_CONCURRENCY = "expiry.concurrency";
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
  /** Where coupon discounts come from: {@code grpc} (coupon-rpc's GetCoupon) or {@code fixed}. */
  public static final String COUPON_SOURCE = "coupon.source";
  /** The discount of every coupon when {@code coupon.source=fixed}. */
  public static final String COUPON_FIXED_DISCOUNT = "coupon.fixed-discount-cents";
  /** coupon-rpc host. */
  public static final String COUPON_HOST = "coupon.host";
  /** coupon-rpc port (env SECKILL_COUPON_GRPC_PORT). */
  public static final String COUPON_PORT = "coupon.grpc-port";
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

  /** How often the live dashboard samples while watched. */
  public static final String DASHBOARD_REFRESH_MS = "dashboard.refresh-ms";
  /** The dashboard stops sampling this long after the last poll or scrape. */
  public static final String DASHBOARD_IDLE_AFTER_MS = "dashboard.idle-after-ms";
  /** Most products the dashboard shows (open sales first, the latest loaded first). */
  public static final String DASHBOARD_MAX_PRODUCTS = "dashboard.max-products";
  /** Deadline of one health probe or metrics scrape of the dashboard. */
  public static final String DASHBOARD_PROBE_TIMEOUT_MS = "dashboard.probe-timeout-ms";
  /** The consumer's metrics host (the dashboard scrapes it). */
  public static final String CONSUMER_HOST = "consumer.host";
  /** The consumer's metrics port (env SECKILL_CONSUMER_METRICS_PORT, as the launcher exports it). */
  public static final String CONSUMER_METRICS_PORT = "consumer.metrics-port";
  /** MariaDB's host: the dashboard only reads its greeting (the API has no database account). */
  public static final String DB_HOST = "db.host";
  /** MariaDB's port (env SECKILL_DB_PORT). */
  public static final String DB_PORT = "db.port";

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

  /** The value of {@code key} as a number in {@code [0, 1]}. */
  public double fraction(String key) {
    return config.decimal(key, 0, 1);
  }

  /** The value of {@code key} as true or false. */
  public boolean bool(String key) {
    String v = string(key);
    if (v.equals("true") || v.equals("false")) {
      return Boolean.parseBoolean(v);
    }
    throw bad(key, v, "is not true or false");
  }

  /** The value of {@code key} as a comma-separated list; empty when unset or blank. */
  public List<String> list(String key) {
    List<String> out = new ArrayList<>();
    for (String part : find(key).orElse("").split(",")) {
      if (!part.isBlank()) {
        out.add(part.strip());
      }
    }
    return out;
  }

  /** The value of {@code key} as a path, or null when it is empty. */
  public java.nio.file.Path pathOrNull(String key) {
    String v = stringOrEmpty(key).strip();
    return v.isEmpty() ? null : java.nio.file.Path.of(v);
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
    return parseIds(spec, 100_000);
  }

  /** Parses {@code 1-20} or {@code 1,3,7-9} into ids, at most {@code max} of them. */
  public static List<Long> parseIds(String spec, int max) {
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
        if (ids.size() > max) {
          throw new IllegalArgumentException("more than " + max + " ids");
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
    check(problems, () -> Tracing.settings(config));
    check(problems, () -> integer(HTTP_PORT, 0, 65535));
    check(problems, () -> integer(HTTP_MAX_BODY_BYTES, 64, 1 << 20));
    check(problems, () -> integer(HTTP_WORKER_THREADS, 1, 4096));
    check(problems, () -> integer(HTTP_IO_THREADS, 1, 64));
    check(problems, () -> integer(HTTP_MAX_IN_FLIGHT, 1, 1_000_000));
    check(problems, () -> integer(HTTP_BODY_TIMEOUT_MS, 100, 600_000));
    check(problems, () -> integer(HTTP_READ_TIMEOUT_MS, 100, 600_000));
    check(problems, () -> integer(HTTP_IDLE_TIMEOUT_MS, 1000, 3_600_000));
    check(problems, () -> integer(HTTP_SHUTDOWN_DRAIN_MS, 0, 600_000));
    check(problems, () -> integer(HTTP_PARSE_TIMEOUT_MS, 100, 600_000));
    check(problems, () -> integer(CLIENT_RATE, 0, 10_000_000));
    check(problems, () -> integer(CLIENT_BURST, 0, 10_000_000));
    check(problems, () -> integer(CLIENT_MAX_TRACKED, 1, 10_000_000));
    check(problems, () -> trustedProxies());
    check(problems, () -> string(ADMIN_HOST));
    check(problems, () -> integer(ADMIN_PORT, 0, 65535));
    check(problems, () -> stringOrEmpty(ADMIN_TOKEN));
    check(problems, () -> stringOrEmpty(ADMIN_TOKEN_FILE));
    check(problems, () -> bool(ADMIN_ALLOW_NO_TOKEN));
    check(problems, () -> integer(ADMIN_MAX_IDS, 1, 100_000));
    check(problems, () -> integer(ADMIN_REOPEN_MAX_PENDING, 1, 10_000_000));
    check(problems, () -> integer(ADMIN_WAIT_MS, 100, 600_000));
    check(problems, () -> stringOrEmpty(TOKEN_SECRET_FILE));
    check(problems, () -> stringOrEmpty(TOKEN_PUBLIC_KEY_FILE));
    check(problems, () -> stringOrEmpty(TOKEN_JWKS_FILE));
    check(problems, () -> address(PAY_HOST, PAY_PORT));
    check(problems, () -> address(DTM_HOST, DTM_GRPC_PORT));
    check(problems, () -> integer(DTM_HTTP_PORT, 1, 65535));
    check(problems, () -> string(GRPC_HOST));
    check(problems, () -> integer(GRPC_PORT, 0, 65535));
    check(problems, () -> string(GRPC_ADVERTISED_HOST));
    check(problems, () -> stringOrEmpty(PAYMENT_SECRET_FILE));
    check(problems, () -> integer(PAYMENT_TOLERANCE_S, 1, 3600));
    check(problems, () -> fraction(PAYMENT_SIM_SUCCESS));
    check(problems, () -> integer(PAYMENT_SIM_DELAY_MS, 0, 600_000));
    check(problems, () -> bool(EXPIRY_ENABLED));
    check(problems, () -> integer(EXPIRY_INTERVAL_MS, 50, 3_600_000));
    check(problems, () -> integer(EXPIRY_BATCH, 1, 1000));
    check(problems, () -> integer(EXPIRY_CONCURRENCY, 1, 256));
    check(problems, () -> string(TOKEN_ISSUER));
    check(problems, () -> string(TOKEN_AUDIENCE));
    check(problems, () -> integer(TOKEN_CLOCK_SKEW_S, 0, 3600));
    check(problems, () -> string(ORDER_SIGNING_KEYS_FILE));
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
    check(problems, () -> oneOf(COUPON_SOURCE, "grpc", "fixed"));
    check(problems, () -> number(COUPON_FIXED_DISCOUNT, 0, Long.MAX_VALUE));
    check(problems, () -> string(COUPON_HOST));
    check(problems, () -> integer(COUPON_PORT, 1, 65535));
    check(problems, () -> integer(RECONCILE_INTERVAL_MS, 0, 3_600_000));
    check(problems, () -> integer(RECONCILE_MIN_AGE_MS, 0, 3_600_000));
    check(problems, () -> integer(RECONCILE_STALE_MS, 1000, 86_400_000));
    check(problems, () -> integer(RECONCILE_BATCH, 1, 100_000));
    check(problems, () -> idList(SALES_DEMO_PRODUCTS));
    check(problems, () -> integer(DASHBOARD_REFRESH_MS, 200, 60_000));
    check(problems, () -> integer(DASHBOARD_IDLE_AFTER_MS, 1000, 3_600_000));
    check(problems, () -> integer(DASHBOARD_MAX_PRODUCTS, 1, 500));
    check(problems, () -> integer(DASHBOARD_PROBE_TIMEOUT_MS, 100, 10_000));
    check(problems, () -> address(CONSUMER_HOST, CONSUMER_METRICS_PORT));
    check(problems, () -> address(DB_HOST, DB_PORT));
    if (!problems.isEmpty()) {
      throw new ConfigException(RESOURCE + ": " + String.join("; ", problems));
    }
    if (pathOrNull(TOKEN_SECRET_FILE) == null && pathOrNull(TOKEN_PUBLIC_KEY_FILE) == null
        && pathOrNull(TOKEN_JWKS_FILE) == null) {
      throw new ConfigException(RESOURCE + ": no buyer token key: set " + TOKEN_SECRET_FILE + " (env "
          + String.join(" / ", envNames(TOKEN_SECRET_FILE)) + "), " + TOKEN_PUBLIC_KEY_FILE + " or " + TOKEN_JWKS_FILE);
    }
    if (stringOrEmpty(ADMIN_TOKEN).isBlank() && stringOrEmpty(ADMIN_TOKEN_FILE).isBlank() && !bool(ADMIN_ALLOW_NO_TOKEN)) {
      throw new ConfigException(RESOURCE + ": no operator token: set " + ADMIN_TOKEN_FILE + " (env "
          + String.join(" / ", envNames(ADMIN_TOKEN_FILE)) + ") or " + ADMIN_TOKEN + " (env "
          + String.join(" / ", envNames(ADMIN_TOKEN)) + "); " + ADMIN_ALLOW_NO_TOKEN + "=true opens the admin"
          + " routes to anyone who reaches the admin port (development only)");
    }
    if (pathOrNull(PAYMENT_SECRET_FILE) == null) {
      throw new ConfigException(RESOURCE + ": no payment provider secret: set " + PAYMENT_SECRET_FILE + " (env "
          + String.join(" / ", envNames(PAYMENT_SECRET_FILE)) + "), a base64url file of at least 32 bytes that"
          + " provider callbacks are signed with");
    }
    // Publishing waits for the ack past Kafka's own deadline, so a send never ends "unknown".
    if (integer(KAFKA_DELIVERY_TIMEOUT_MS, 1000, 600_000) <= integer(KAFKA_LINGER_MS, 0, 1000)) {
      throw bad(KAFKA_DELIVERY_TIMEOUT_MS, find(KAFKA_DELIVERY_TIMEOUT_MS).orElse(""),
          "must exceed " + KAFKA_LINGER_MS);
    }
    return this;
  }

  /** The API's tracing as configured ({@link Tracing#off()} without an endpoint); the caller closes it. */
  public Tracing tracing() {
    return Tracing.fromConfig(config, "seckill-api");
  }

  /** The trusted proxies, each parsed (a bad entry names itself). */
  public List<String> trustedProxies() {
    List<String> proxies = list(TRUSTED_PROXIES);
    for (String p : proxies) {
      try {
        ClientLimiter.Cidr.parse(p);
      } catch (IllegalArgumentException e) {
        throw bad(TRUSTED_PROXIES, String.join(",", proxies), e.getMessage());
      }
    }
    return proxies;
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
