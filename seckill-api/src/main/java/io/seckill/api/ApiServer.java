package io.seckill.api;

import io.seckill.runtime.ConfigException;
import io.undertow.Undertow;
import io.undertow.UndertowOptions;
import java.net.InetSocketAddress;
import org.redisson.Redisson;
import org.redisson.api.RedissonClient;
import org.redisson.config.Config;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The seckill HTTP admission server: Undertow routes over Redis, Kafka, order-rpc and product-rpc. */
public final class ApiServer implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(ApiServer.class);

  private final RedissonClient redis;
  private final OrderPublisher publisher;
  private final GrpcClients rpc;
  private final CouponDiscounts coupons;
  private final Reconciler reconciler;
  private final AdmissionStore store;
  private final AdmissionService admission;
  private final SaleAdmin sales;
  private final ApiMetrics metrics;
  private final Undertow undertow;
  private final long reconcileIntervalMs;

  private ApiServer(ApiConfig c, OrderPublisher publisherOverride) {
    this.redis = Redisson.create(redisConfig(c));
    try {
      this.store = new AdmissionStore(redis);
      this.publisher = publisherOverride != null ? publisherOverride
          : new KafkaOrderPublisher(c.address(ApiConfig.KAFKA_HOST, ApiConfig.KAFKA_PORT), c.string(ApiConfig.KAFKA_TOPIC),
              c.integer(ApiConfig.KAFKA_DELIVERY_TIMEOUT_MS, 1000, 600_000),
              c.integer(ApiConfig.KAFKA_MAX_BLOCK_MS, 100, 600_000), c.integer(ApiConfig.KAFKA_LINGER_MS, 0, 1000),
              c.integer(ApiConfig.KAFKA_BATCH_BYTES, 1024, 16 << 20),
              c.oneOf(ApiConfig.KAFKA_COMPRESSION, "none", "lz4", "snappy", "zstd", "gzip"));
      this.rpc = new GrpcClients(c.address(ApiConfig.ORDER_HOST, ApiConfig.ORDER_PORT),
          c.address(ApiConfig.PRODUCT_HOST, ApiConfig.PRODUCT_PORT),
          c.integer(ApiConfig.RPC_DEADLINE_MS, 50, 60_000));
      this.coupons = "fixed".equals(c.string(ApiConfig.COUPON_SOURCE))
          ? CouponDiscounts.fixed(c.number(ApiConfig.COUPON_FIXED_DISCOUNT, 0, Long.MAX_VALUE))
          : new CouponDiscounts.Jdbc("jdbc:mysql://" + c.string(ApiConfig.DB_HOST) + ":"
              + c.integer(ApiConfig.DB_PORT, 1, 65535) + "/" + c.string(ApiConfig.DB_COUPON_NAME),
              c.string(ApiConfig.DB_USER), c.stringOrEmpty(ApiConfig.DB_PASSWORD));
      // Kafka reports every send within delivery.timeout.ms; the margin makes a lost callback the only
      // way to reach this bound, which then answers 504 and gives the slots back.
      long ackWaitMs = c.integer(ApiConfig.KAFKA_DELIVERY_TIMEOUT_MS, 1000, 600_000) + 2_000L;
      this.admission = new AdmissionService(store, publisher, coupons, c.integer(ApiConfig.RATE_LIMIT, 0, 1_000_000),
          c.integer(ApiConfig.RATE_WINDOW_MS, 1, 3_600_000), ackWaitMs);
      this.metrics = new ApiMetrics(admission::soldOutFlags);
      admission.metrics(metrics);
      this.reconciler = new Reconciler(store, rpc, admission, metrics, c.integer(ApiConfig.RECONCILE_MIN_AGE_MS, 0, 3_600_000),
          c.integer(ApiConfig.RECONCILE_STALE_MS, 1000, 86_400_000), c.integer(ApiConfig.RECONCILE_BATCH, 1, 100_000));
      this.reconcileIntervalMs = c.integer(ApiConfig.RECONCILE_INTERVAL_MS, 0, 3_600_000);
      this.sales = new SaleAdmin(store, rpc, reconciler, admission);
      int maxBody = c.integer(ApiConfig.HTTP_MAX_BODY_BYTES, 64, 1 << 20);
      HttpApi api = new HttpApi(admission, store, rpc, sales, metrics, maxBody,
          c.integer(ApiConfig.ORDER_MAX_QUANTITY, 1, 1000), c.stringOrEmpty(ApiConfig.ADMIN_TOKEN),
          c.idList(ApiConfig.SALES_DEMO_PRODUCTS));
      this.undertow = Undertow.builder()
          .addHttpListener(c.integer(ApiConfig.HTTP_PORT, 0, 65535), c.string(ApiConfig.HTTP_HOST))
          .setIoThreads(c.integer(ApiConfig.HTTP_IO_THREADS, 1, 64))
          .setWorkerThreads(c.integer(ApiConfig.HTTP_WORKER_THREADS, 1, 4096))
          // The handler answers 413 itself after maxBody + 1 bytes; this hard cap (far above it, so
          // the 413 can still be written) bounds what Undertow drains or reads of an oversized body.
          .setServerOption(UndertowOptions.MAX_ENTITY_SIZE, Math.max(64L * 1024, 16L * maxBody))
          .setServerOption(UndertowOptions.MAX_HEADER_SIZE, 16 * 1024)
          .setServerOption(UndertowOptions.MAX_PARAMETERS, 32)
          .setHandler(api.handler())
          .build();
    } catch (RuntimeException e) {
      redis.shutdown();
      throw e;
    }
  }

  /** Starts a server from {@code config} (validated first). */
  public static ApiServer start(ApiConfig config) {
    return start(config, null);
  }

  /** Starts a server with another publisher (tests, the benchmark); null means Kafka from config. */
  public static ApiServer start(ApiConfig config, OrderPublisher publisher) {
    config.validate();
    ApiServer s = new ApiServer(config, publisher);
    try {
      s.undertow.start();
    } catch (RuntimeException e) {
      // e.g. the port is taken: release Redis, Kafka and gRPC before reporting it.
      s.close();
      throw e;
    }
    if (s.reconcileIntervalMs > 0) {
      s.reconciler.start(s.reconcileIntervalMs);
    }
    return s;
  }

  /** The bound port (useful with {@code http.port=0}). */
  public int port() {
    return ((InetSocketAddress) undertow.getListenerInfo().get(0).getAddress()).getPort();
  }

  /** The admission store (tests and the benchmark inspect Redis through it). */
  public AdmissionStore store() {
    return store;
  }

  /** The reconciler (tests run passes on demand). */
  public Reconciler reconciler() {
    return reconciler;
  }

  /** The admission service. */
  public AdmissionService admission() {
    return admission;
  }

  /** The metrics. */
  public ApiMetrics metrics() {
    return metrics;
  }

  private static Config redisConfig(ApiConfig c) {
    Config rc = new Config();
    String password = c.stringOrEmpty(ApiConfig.REDIS_PASSWORD);
    int pool = c.integer(ApiConfig.REDIS_POOL_SIZE, 1, 1024);
    rc.setNettyThreads(c.integer(ApiConfig.REDIS_NETTY_THREADS, 1, 256));
    rc.useSingleServer()
        .setAddress("redis://" + c.string(ApiConfig.REDIS_HOST) + ":" + c.integer(ApiConfig.REDIS_PORT, 1, 65535))
        .setPassword(password.isEmpty() ? null : password)
        .setTimeout(c.integer(ApiConfig.REDIS_TIMEOUT_MS, 50, 60_000))
        .setConnectionPoolSize(pool)
        .setConnectionMinimumIdleSize(Math.min(pool, 8))
        // No client-side retry: a retried admission script after a lost reply would run twice.
        .setRetryAttempts(0);
    return rc;
  }

  /** Stops taking requests, then closes the reconciler, Kafka, gRPC, the pool and Redis. */
  @Override
  public void close() {
    undertow.stop();
    reconciler.close();
    publisher.close();
    rpc.close();
    coupons.close();
    redis.shutdown();
  }

  /** Starts the server from {@code seckill-api.properties} and the environment. */
  public static void main(String[] args) {
    ApiConfig config;
    try {
      config = ApiConfig.load().validate();
    } catch (ConfigException e) {
      System.err.println("seckill-api: " + e.getMessage());
      System.exit(2);
      return;
    }
    ApiServer server = start(config);
    log.info("seckill-api listening on {}:{}", config.string(ApiConfig.HTTP_HOST), server.port());
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      log.info("seckill-api stopping");
      server.close();
    }, "api-shutdown"));
  }
}
