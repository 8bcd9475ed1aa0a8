package io.seckill.api;

import io.seckill.dtm.client.DtmClientConfig;
import io.seckill.runtime.ConfigException;
import io.seckill.runtime.settings.Setting;
import io.seckill.runtime.settings.Settings;
import io.seckill.runtime.tracing.Tracing;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
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
 *
 * <p>Every key is declared once below, with its type and range, and read through the one
 * {@link Settings} reader; the server reads the checked values with {@link #get} and checks nothing again.
 */
public final class ApiConfig {
  /** Bind address of the HTTP server. */
  public static final Setting<String> HTTP_HOST = Setting.string("api.host");
  /** HTTP port (env SECKILL_API_PORT); 0 picks a free one (tests). */
  public static final Setting<Integer> HTTP_PORT = Setting.integer("api.port", 0, 65535);
  /** Largest request body in bytes; bigger ones get 413. */
  public static final Setting<Integer> HTTP_MAX_BODY_BYTES = Setting.integer("http.max-body-bytes", 64, 1 << 20);
  /** Undertow worker threads: the blocking routes, coupon lookups and Kafka send() (never the ack wait). */
  public static final Setting<Integer> HTTP_WORKER_THREADS = Setting.integer("http.worker-threads", 1, 4096);
  /** Undertow I/O threads. */
  public static final Setting<Integer> HTTP_IO_THREADS = Setting.integer("http.io-threads", 1, 64);
  /** Most requests in flight on the buyer port; past it the answer is 503 at once. */
  public static final Setting<Integer> HTTP_MAX_IN_FLIGHT = Setting.integer("http.max-in-flight", 1, 1_000_000);
  /** Longest time a request body may take to arrive in full (slow bodies get 408). */
  public static final Setting<Integer> HTTP_BODY_TIMEOUT_MS = Setting.integer("http.body-timeout-ms", 100, 600_000);
  /** A connection's read blocks longer than this are closed (Undertow/XNIO READ_TIMEOUT). */
  public static final Setting<Integer> HTTP_READ_TIMEOUT_MS = Setting.integer("http.read-timeout-ms", 100, 600_000);
  /** Idle keep-alive connections are closed after this (IDLE_TIMEOUT and NO_REQUEST_TIMEOUT). */
  public static final Setting<Integer> HTTP_IDLE_TIMEOUT_MS = Setting.integer("http.idle-timeout-ms", 1000, 3_600_000);
  /** On SIGTERM, how long requests in progress may take to finish (new ones get 503 meanwhile). */
  public static final Setting<Integer> HTTP_SHUTDOWN_DRAIN_MS = Setting.integer("http.shutdown-drain-ms", 0, 600_000);
  /** Longest time the request line and headers may take (REQUEST_PARSE_TIMEOUT). */
  public static final Setting<Integer> HTTP_PARSE_TIMEOUT_MS = Setting.integer("http.parse-timeout-ms", 100, 600_000);
  /** Requests per second one client IP may make on the buyer port; 0 disables the limit. */
  public static final Setting<Integer> CLIENT_RATE = Setting.integer("http.client-rate-per-second", 0, 10_000_000);
  /** The burst one client IP may send above its rate. */
  public static final Setting<Integer> CLIENT_BURST = Setting.integer("http.client-burst", 0, 10_000_000);
  /** Client IPs whose buckets are kept (the least recently seen are forgotten first). */
  public static final Setting<Integer> CLIENT_MAX_TRACKED = Setting.integer("http.client-max-tracked", 1, 10_000_000);
  /** Proxies (IPs or CIDR blocks, comma-separated) whose X-Forwarded-For is believed; empty: none. */
  public static final Setting<List<String>> TRUSTED_PROXIES =
      Setting.of("http.trusted-proxies", true, ApiConfig::proxies).withDefault("");
  /** Bind address of the admin listener. */
  public static final Setting<String> ADMIN_HOST = Setting.string("admin.host");
  /** Port of the admin listener (env SECKILL_ADMIN_PORT); 0 picks a free one (tests). */
  public static final Setting<Integer> ADMIN_PORT = Setting.integer("admin.port", 0, 65535);
  /** The operator token, given literally (env SECKILL_ADMIN_TOKEN); empty: read admin.token-file. */
  public static final Setting<String> ADMIN_TOKEN = Setting.stringOrEmpty("admin.token");
  /** A file holding the operator token (env SECKILL_ADMIN_TOKEN_FILE; the launcher writes one). */
  public static final Setting<Optional<Path>> ADMIN_TOKEN_FILE = Setting.optionalPath("admin.token-file");
  /** Development only: start without an operator token, the admin routes open (a loud warning). */
  public static final Setting<Boolean> ADMIN_ALLOW_NO_TOKEN = Setting.bool("admin.allow-no-token");
  /** Most product ids one admin call may name. */
  public static final Setting<Integer> ADMIN_MAX_IDS = Setting.integer("admin.max-ids", 1, 100_000);
  /** A reopen is refused while a sale has more admissions than this still to settle. */
  public static final Setting<Integer> ADMIN_REOPEN_MAX_PENDING =
      Setting.integer("admin.reopen-max-pending", 1, 10_000_000);
  /** How long an admin call waits for its job; past it the answer is 202 and the job goes on. */
  public static final Setting<Integer> ADMIN_WAIT_MS = Setting.integer("admin.wait-ms", 100, 600_000);
  /** The HS256 secret buyer tokens are checked with (a base64url file); empty: none. */
  public static final Setting<Optional<Path>> TOKEN_SECRET_FILE = Setting.optionalPath("buyer-token.secret-file");
  /** A PEM public key (RSA or EC) for RS256/ES256 buyer tokens; empty: none. */
  public static final Setting<Optional<Path>> TOKEN_PUBLIC_KEY_FILE =
      Setting.optionalPath("buyer-token.public-key-file");
  /** A JWK set file of public keys for RS256/ES256 buyer tokens; empty: none. */
  public static final Setting<Optional<Path>> TOKEN_JWKS_FILE = Setting.optionalPath("buyer-token.jwks-file");
  /** The {@code iss} buyer tokens must carry. */
  public static final Setting<String> TOKEN_ISSUER = Setting.string("buyer-token.issuer");
  /** The {@code aud} buyer tokens must include. */
  public static final Setting<String> TOKEN_AUDIENCE = Setting.string("buyer-token.audience");
  /** Clock skew allowed on {@code exp} and {@code nbf}, in seconds. */
  public static final Setting<Integer> TOKEN_CLOCK_SKEW_S = Setting.integer("buyer-token.clock-skew-s", 0, 3600);
  /** The keyring order messages are signed with (env SECKILL_ORDER_SIGNING_KEYS_FILE). */
  public static final Setting<Path> ORDER_SIGNING_KEYS_FILE = Setting.path("order-signing.keys-file");
  /** Host DTM and the API use to reach pay-rpc. */
  public static final Setting<String> PAY_HOST = Setting.string("pay.host");
  /** pay-rpc's gRPC port (env SECKILL_PAY_GRPC_PORT). */
  public static final Setting<Integer> PAY_PORT = Setting.integer("pay.grpc-port", 1, 65535);
  /** DTM's host. */
  public static final Setting<String> DTM_HOST = Setting.string("dtm.host");
  /** DTM's gRPC port (env SECKILL_DTM_GRPC_PORT). */
  public static final Setting<Integer> DTM_GRPC_PORT = Setting.integer("dtm.grpc-port", 1, 65535);
  /** DTM's HTTP port (env SECKILL_DTM_HTTP_PORT): the saga status queries. */
  public static final Setting<Integer> DTM_HTTP_PORT = Setting.integer("dtm.http-port", 1, 65535);
  /** Bind address of the API's gRPC listener (the AdmissionSaga branch DTM calls). */
  public static final Setting<String> GRPC_HOST = Setting.string("grpc.host");
  /** Port of the API's gRPC listener (env SECKILL_API_GRPC_PORT); 0 disables it (tests). */
  public static final Setting<Integer> GRPC_PORT = Setting.integer("grpc.port", 0, 65535);
  /** The host DTM is told to call the AdmissionSaga branch on. */
  public static final Setting<String> GRPC_ADVERTISED_HOST = Setting.string("grpc.advertised-host");
  /** The payment provider's callback secret (base64url file, env SECKILL_PAYMENT_PROVIDER_SECRET_FILE). */
  public static final Setting<Optional<Path>> PAYMENT_SECRET_FILE =
      Setting.optionalPath("payment.provider-secret-file");
  /** How far a callback's signed time may be from now, in seconds: the replay window. */
  public static final Setting<Integer> PAYMENT_TOLERANCE_S = Setting.integer("payment.callback-tolerance-s", 1, 3600);
  /** The simulated provider's share of successful payments (0..1). */
  public static final Setting<Double> PAYMENT_SIM_SUCCESS = Setting.decimal("payment.simulated.success-rate", 0, 1);
  /** The simulated provider's delay before its callback, in ms. */
  public static final Setting<Integer> PAYMENT_SIM_DELAY_MS = Setting.integer("payment.simulated.delay-ms", 0, 600_000);
  /** Whether this instance runs the expirer. */
  public static final Setting<Boolean> EXPIRY_ENABLED = Setting.bool("expiry.enabled");
  /** Time between two expiry passes. */
  public static final Setting<Integer> EXPIRY_INTERVAL_MS = Setting.integer("expiry.scan-interval-ms", 50, 3_600_000);
  /** Most due orders one pass takes. */
  public static final Setting<Integer> EXPIRY_BATCH = Setting.integer("expiry.batch", 1, 1000);
  /** Expiry sagas one instance runs at once. */
  public static final Setting<Integer> EXPIRY_CONCURRENCY = Setting.integer("expiry.concurrency", 1, 256);
  /** Redis host. */
  public static final Setting<String> REDIS_HOST = Setting.string("redis.host");
  /** Redis port. */
  public static final Setting<Integer> REDIS_PORT = Setting.integer("redis.port", 1, 65535);
  /** Redis password; may be empty. */
  public static final Setting<String> REDIS_PASSWORD = Setting.stringOrEmpty("redis.password");
  /** Redis command timeout. */
  public static final Setting<Integer> REDIS_TIMEOUT_MS = Setting.integer("redis.timeout-ms", 50, 60_000);
  /** Redisson connection pool size. */
  public static final Setting<Integer> REDIS_POOL_SIZE = Setting.integer("redis.pool-size", 1, 1024);
  /** Kafka broker host. */
  public static final Setting<String> KAFKA_HOST = Setting.string("kafka.host");
  /** Kafka broker port (env SECKILL_KAFKA_PORT, as the launcher exports it). */
  public static final Setting<Integer> KAFKA_PORT = Setting.integer("kafka.port", 1, 65535);
  /** Topic of the order messages. */
  public static final Setting<String> KAFKA_TOPIC = Setting.string("kafka.topic");
  /** Upper bound for one publish, from send to ack (Kafka's delivery.timeout.ms). */
  public static final Setting<Integer> KAFKA_DELIVERY_TIMEOUT_MS =
      Setting.integer("kafka.delivery-timeout-ms", 1000, 600_000);
  /** How long send() may block for metadata when the broker is away (max.block.ms). */
  public static final Setting<Integer> KAFKA_MAX_BLOCK_MS = Setting.integer("kafka.max-block-ms", 100, 600_000);
  /** Producer linger: small batching under load. */
  public static final Setting<Integer> KAFKA_LINGER_MS = Setting.integer("kafka.linger-ms", 0, 1000);
  /** Producer batch.size in bytes (per partition). */
  public static final Setting<Integer> KAFKA_BATCH_BYTES = Setting.integer("kafka.batch-bytes", 1024, 16 << 20);
  /** Producer compression.type: none, lz4, snappy, zstd or gzip. */
  public static final Setting<String> KAFKA_COMPRESSION =
      Setting.oneOf("kafka.compression", "none", "lz4", "snappy", "zstd", "gzip");
  /** Redisson's Netty I/O threads (they also run the admission callbacks). */
  public static final Setting<Integer> REDIS_NETTY_THREADS = Setting.integer("redis.netty-threads", 1, 256);
  /** order-rpc host. */
  public static final Setting<String> ORDER_HOST = Setting.string("order.host");
  /** order-rpc port (env SECKILL_ORDER_GRPC_PORT, as the launcher exports it). */
  public static final Setting<Integer> ORDER_PORT = Setting.integer("order.grpc-port", 1, 65535);
  /** product-rpc host. */
  public static final Setting<String> PRODUCT_HOST = Setting.string("product.host");
  /** product-rpc port (env SECKILL_PRODUCT_GRPC_PORT). */
  public static final Setting<Integer> PRODUCT_PORT = Setting.integer("product.grpc-port", 1, 65535);
  /** Deadline of one gRPC call. */
  public static final Setting<Integer> RPC_DEADLINE_MS = Setting.integer("rpc.deadline-ms", 50, 60_000);
  /** Largest quantity one order may ask for. */
  public static final Setting<Integer> ORDER_MAX_QUANTITY = Setting.integer("order.max-quantity", 1, 1000);
  /** Admission attempts one user may make per product and window; 0 disables the limit. */
  public static final Setting<Integer> RATE_LIMIT = Setting.integer("rate-limit.requests", 0, 1_000_000);
  /** The rate-limit window. */
  public static final Setting<Integer> RATE_WINDOW_MS = Setting.integer("rate-limit.window-ms", 1, 3_600_000);
  /** Where coupon discounts come from: {@code grpc} (coupon-rpc's GetCoupon) or {@code fixed}. */
  public static final Setting<String> COUPON_SOURCE = Setting.oneOf("coupon.source", "grpc", "fixed");
  /** The discount of every coupon when {@code coupon.source=fixed}. */
  public static final Setting<Long> COUPON_FIXED_DISCOUNT =
      Setting.longInteger("coupon.fixed-discount-cents", 0, Long.MAX_VALUE);
  /** coupon-rpc host. */
  public static final Setting<String> COUPON_HOST = Setting.string("coupon.host");
  /** coupon-rpc port (env SECKILL_COUPON_GRPC_PORT). */
  public static final Setting<Integer> COUPON_PORT = Setting.integer("coupon.grpc-port", 1, 65535);
  /** How often the reconciler runs; 0 disables it. */
  public static final Setting<Integer> RECONCILE_INTERVAL_MS = Setting.integer("reconcile.interval-ms", 0, 3_600_000);
  /** Admissions younger than this are left alone (still on their way through Kafka). */
  public static final Setting<Integer> RECONCILE_MIN_AGE_MS = Setting.integer("reconcile.min-age-ms", 0, 3_600_000);
  /** An admission never acknowledged by Kafka after this long is cancelled through order-rpc. */
  public static final Setting<Integer> RECONCILE_STALE_MS =
      Setting.integer("reconcile.stale-unpublished-ms", 1000, 86_400_000);
  /** Orders looked at per product and pass. */
  public static final Setting<Integer> RECONCILE_BATCH = Setting.integer("reconcile.batch", 1, 100_000);
  /** Products the "open all" admin call opens, e.g. {@code 1-20} or {@code 1,2,5-7}. */
  public static final Setting<List<Long>> SALES_DEMO_PRODUCTS =
      Setting.of("sales.demo-products", false, ApiConfig::parseIds);

  /** How often the live dashboard samples while watched. */
  public static final Setting<Integer> DASHBOARD_REFRESH_MS = Setting.integer("dashboard.refresh-ms", 200, 60_000);
  /** The dashboard stops sampling this long after the last poll or scrape. */
  public static final Setting<Integer> DASHBOARD_IDLE_AFTER_MS =
      Setting.integer("dashboard.idle-after-ms", 1000, 3_600_000);
  /** Most products the dashboard shows (open sales first, the latest loaded first). */
  public static final Setting<Integer> DASHBOARD_MAX_PRODUCTS = Setting.integer("dashboard.max-products", 1, 500);
  /** Deadline of one health probe or metrics scrape of the dashboard. */
  public static final Setting<Integer> DASHBOARD_PROBE_TIMEOUT_MS =
      Setting.integer("dashboard.probe-timeout-ms", 100, 10_000);
  /** The consumer's metrics host (the dashboard scrapes it). */
  public static final Setting<String> CONSUMER_HOST = Setting.string("consumer.host");
  /** The consumer's metrics port (env SECKILL_CONSUMER_METRICS_PORT, as the launcher exports it). */
  public static final Setting<Integer> CONSUMER_METRICS_PORT = Setting.integer("consumer.metrics-port", 1, 65535);
  /** MariaDB's host: the dashboard only reads its greeting (the API has no database account). */
  public static final Setting<String> DB_HOST = Setting.string("db.host");
  /** MariaDB's port (env SECKILL_DB_PORT). */
  public static final Setting<Integer> DB_PORT = Setting.integer("db.port", 1, 65535);

  private static final String RESOURCE = "seckill-api.properties";
  private static final String ENV_PREFIX = "SECKILL_API";

  /** Every key above (and tracing's), checked by {@link #validate()}. */
  private static final List<Setting<?>> KEYS;

  static {
    List<Setting<?>> keys = new ArrayList<>(List.of(
      HTTP_HOST, HTTP_PORT, HTTP_MAX_BODY_BYTES, HTTP_WORKER_THREADS, HTTP_IO_THREADS, HTTP_MAX_IN_FLIGHT,
      HTTP_BODY_TIMEOUT_MS, HTTP_READ_TIMEOUT_MS, HTTP_IDLE_TIMEOUT_MS, HTTP_SHUTDOWN_DRAIN_MS,
      HTTP_PARSE_TIMEOUT_MS, CLIENT_RATE, CLIENT_BURST, CLIENT_MAX_TRACKED, TRUSTED_PROXIES, ADMIN_HOST, ADMIN_PORT,
      ADMIN_TOKEN, ADMIN_TOKEN_FILE, ADMIN_ALLOW_NO_TOKEN, ADMIN_MAX_IDS, ADMIN_REOPEN_MAX_PENDING, ADMIN_WAIT_MS,
      TOKEN_SECRET_FILE, TOKEN_PUBLIC_KEY_FILE, TOKEN_JWKS_FILE, TOKEN_ISSUER, TOKEN_AUDIENCE, TOKEN_CLOCK_SKEW_S,
      ORDER_SIGNING_KEYS_FILE, PAY_HOST, PAY_PORT, DTM_HOST, DTM_GRPC_PORT, DTM_HTTP_PORT, GRPC_HOST, GRPC_PORT,
      GRPC_ADVERTISED_HOST, PAYMENT_SECRET_FILE, PAYMENT_TOLERANCE_S, PAYMENT_SIM_SUCCESS, PAYMENT_SIM_DELAY_MS,
      EXPIRY_ENABLED, EXPIRY_INTERVAL_MS, EXPIRY_BATCH, EXPIRY_CONCURRENCY, REDIS_HOST, REDIS_PORT, REDIS_PASSWORD,
      REDIS_TIMEOUT_MS, REDIS_POOL_SIZE, KAFKA_HOST, KAFKA_PORT, KAFKA_TOPIC, KAFKA_DELIVERY_TIMEOUT_MS,
      KAFKA_MAX_BLOCK_MS, KAFKA_LINGER_MS, KAFKA_BATCH_BYTES, KAFKA_COMPRESSION, REDIS_NETTY_THREADS, ORDER_HOST,
      ORDER_PORT, PRODUCT_HOST, PRODUCT_PORT, RPC_DEADLINE_MS, ORDER_MAX_QUANTITY, RATE_LIMIT, RATE_WINDOW_MS,
      COUPON_SOURCE, COUPON_FIXED_DISCOUNT, COUPON_HOST, COUPON_PORT, RECONCILE_INTERVAL_MS, RECONCILE_MIN_AGE_MS,
      RECONCILE_STALE_MS, RECONCILE_BATCH, SALES_DEMO_PRODUCTS, DASHBOARD_REFRESH_MS, DASHBOARD_IDLE_AFTER_MS,
      DASHBOARD_MAX_PRODUCTS, DASHBOARD_PROBE_TIMEOUT_MS, CONSUMER_HOST, CONSUMER_METRICS_PORT, DB_HOST, DB_PORT));
    keys.addAll(Tracing.KEYS);
    KEYS = List.copyOf(keys);
  }

  /** File, env overrides and the typed reads: the one settings reader every part uses. */
  private final Settings settings;

  private ApiConfig(Settings settings) {
    this.settings = settings;
  }

  /** Loads {@code seckill-api.properties} from the classpath, overridden by the process environment. */
  public static ApiConfig load() {
    return new ApiConfig(Settings.load(RESOURCE, ENV_PREFIX));
  }

  /** A config from explicit properties and environment, for tests and tools. */
  public static ApiConfig of(Properties file, Map<String, String> env) {
    return new ApiConfig(Settings.of(RESOURCE, file, ENV_PREFIX, env));
  }

  /** A copy with some keys replaced; the replacements win over the environment too. */
  public ApiConfig with(Map<String, String> overrides) {
    return new ApiConfig(settings.with(overrides));
  }

  /** The environment variables that override {@code key}, strongest first. */
  public List<String> envNames(String key) {
    return settings.envNames(key);
  }

  /** The raw value of {@code key} after env overrides, if set at all. */
  public Optional<String> find(String key) {
    return settings.find(key);
  }

  /** The checked value of {@code setting}; a missing or bad one throws ConfigException naming it. */
  public <T> T get(Setting<T> setting) {
    return settings.get(setting);
  }

  /** {@code host:port} from two keys. */
  public String address(Setting<String> host, Setting<Integer> port) {
    return get(host) + ":" + get(port);
  }

  /** DTM as the API reaches it: {@code dtm.host} with its gRPC and HTTP ports, each call bounded by the RPC deadline. */
  public DtmClientConfig dtm() {
    return new DtmClientConfig(address(DTM_HOST, DTM_GRPC_PORT),
        URI.create("http://" + get(DTM_HOST) + ":" + get(DTM_HTTP_PORT)), Duration.ofMillis(get(RPC_DEADLINE_MS)));
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
   * server refuses to start instead of failing on its first request; then checks what spans keys.
   */
  public ApiConfig validate() {
    settings.check(KEYS);
    if (get(TOKEN_SECRET_FILE).isEmpty() && get(TOKEN_PUBLIC_KEY_FILE).isEmpty() && get(TOKEN_JWKS_FILE).isEmpty()) {
      throw new ConfigException(RESOURCE + ": no buyer token key: set " + TOKEN_SECRET_FILE + " (env "
          + String.join(" / ", envNames(TOKEN_SECRET_FILE.name())) + "), " + TOKEN_PUBLIC_KEY_FILE + " or "
          + TOKEN_JWKS_FILE);
    }
    if (get(ADMIN_TOKEN).isBlank() && get(ADMIN_TOKEN_FILE).isEmpty() && !get(ADMIN_ALLOW_NO_TOKEN)) {
      throw new ConfigException(RESOURCE + ": no operator token: set " + ADMIN_TOKEN_FILE + " (env "
          + String.join(" / ", envNames(ADMIN_TOKEN_FILE.name())) + ") or " + ADMIN_TOKEN + " (env "
          + String.join(" / ", envNames(ADMIN_TOKEN.name())) + "); " + ADMIN_ALLOW_NO_TOKEN + "=true opens the admin"
          + " routes to anyone who reaches the admin port (development only)");
    }
    if (get(PAYMENT_SECRET_FILE).isEmpty()) {
      throw new ConfigException(RESOURCE + ": no payment provider secret: set " + PAYMENT_SECRET_FILE + " (env "
          + String.join(" / ", envNames(PAYMENT_SECRET_FILE.name())) + "), a base64url file of at least 32 bytes that"
          + " provider callbacks are signed with");
    }
    // Publishing waits for the ack past Kafka's own deadline, so a send never ends "unknown".
    if (get(KAFKA_DELIVERY_TIMEOUT_MS) <= get(KAFKA_LINGER_MS)) {
      throw settings.invalid(KAFKA_DELIVERY_TIMEOUT_MS, Integer.toString(get(KAFKA_DELIVERY_TIMEOUT_MS)),
          "must exceed " + KAFKA_LINGER_MS);
    }
    return this;
  }

  /** The API's tracing as configured ({@link Tracing#off()} without an endpoint); the caller closes it. */
  public Tracing tracing() {
    return Tracing.fromConfig(settings, "seckill-api");
  }

  // The trusted proxies, each parsed (a bad entry names itself).
  private static List<String> proxies(String value) {
    List<String> proxies = new ArrayList<>();
    for (String part : value.split(",")) {
      if (!part.isBlank()) {
        ClientLimiter.Cidr.parse(part.strip());
        proxies.add(part.strip());
      }
    }
    return List.copyOf(proxies);
  }
}
