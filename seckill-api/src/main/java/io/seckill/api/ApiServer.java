package io.seckill.api;

import io.grpc.ServerInterceptors;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.protobuf.services.HealthStatusManager;
import io.seckill.auth.ProviderSignature;
import io.seckill.dtm.branch.DtmServerInterceptor;
import io.seckill.dtm.client.DtmClient;

import io.seckill.auth.OrderSigning;
import io.seckill.auth.SecretFiles;
import io.seckill.auth.TokenVerifier;
import io.seckill.runtime.ConfigException;
import io.undertow.Handlers;
import io.undertow.Undertow;
import io.undertow.UndertowOptions;
import io.undertow.server.handlers.GracefulShutdownHandler;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import org.redisson.Redisson;
import org.redisson.api.RedissonClient;
import org.redisson.config.Config;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xnio.Options;

/** The seckill HTTP admission server: Undertow routes over Redis, Kafka, order-rpc and product-rpc. */
public final class ApiServer implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(ApiServer.class);

  private final RedissonClient redis;
  private final io.seckill.runtime.tracing.Tracing tracing;
  private final OrderPublisher publisher;
  private final GrpcClients rpc;
  private final CouponDiscounts coupons;
  private final Reconciler reconciler;
  private final AdmissionStore store;
  private final AdmissionService admission;
  private final AdminApi adminApi;
  private final Dashboard dashboard;
  private final ApiMetrics metrics;
  private final Undertow undertow;
  private final GracefulShutdownHandler buyerDrain;
  private final GracefulShutdownHandler adminDrain;
  private final long drainMs;
  private final long reconcileIntervalMs;
  private final OrderSagas sagas;
  private final PaymentProvider provider;
  private final OrderExpirer expirer;
  private final long expiryIntervalMs;
  private final io.grpc.Server grpc;
  private final HealthStatusManager grpcHealth = new HealthStatusManager();

  private ApiServer(ApiConfig c, OrderPublisher publisherOverride) {
    // Keys first: a missing or bad key file stops start-up before anything is connected.
    TokenVerifier tokens = tokenVerifier(c);
    String adminToken = adminToken(c);
    OrderSigning signing = publisherOverride != null ? null : orderSigning(c);
    ProviderSignature providerSignature = providerSignature(c);
    this.tracing = c.tracing();
    this.redis = Redisson.create(redisConfig(c));
    try {
      this.store = new AdmissionStore(redis);
      this.publisher = publisherOverride != null ? publisherOverride
          : new KafkaOrderPublisher(c.address(ApiConfig.KAFKA_HOST, ApiConfig.KAFKA_PORT), c.get(ApiConfig.KAFKA_TOPIC),
              signing, c.get(ApiConfig.KAFKA_DELIVERY_TIMEOUT_MS),
              c.get(ApiConfig.KAFKA_MAX_BLOCK_MS), c.get(ApiConfig.KAFKA_LINGER_MS),
              c.get(ApiConfig.KAFKA_BATCH_BYTES),
              c.get(ApiConfig.KAFKA_COMPRESSION), tracing);
      int deadlineMs = c.get(ApiConfig.RPC_DEADLINE_MS);
      this.rpc = new GrpcClients(c.address(ApiConfig.ORDER_HOST, ApiConfig.ORDER_PORT),
          c.address(ApiConfig.PRODUCT_HOST, ApiConfig.PRODUCT_PORT), deadlineMs);
      this.coupons = "fixed".equals(c.get(ApiConfig.COUPON_SOURCE))
          ? CouponDiscounts.fixed(c.get(ApiConfig.COUPON_FIXED_DISCOUNT))
          : new CouponDiscounts.Grpc(c.address(ApiConfig.COUPON_HOST, ApiConfig.COUPON_PORT), deadlineMs);
      // Kafka reports every send within delivery.timeout.ms; the margin makes a lost callback the only
      // way to reach this bound, which then records the order's cancellation and answers 504.
      long ackWaitMs = c.get(ApiConfig.KAFKA_DELIVERY_TIMEOUT_MS) + 2_000L;
      this.admission = new AdmissionService(store, publisher, rpc, coupons, c.get(ApiConfig.RATE_LIMIT),
          c.get(ApiConfig.RATE_WINDOW_MS), ackWaitMs);
      this.metrics = new ApiMetrics(admission::soldOutFlags);
      metrics.redisMemory(store::memory);
      admission.metrics(metrics);
      admission.tracing(new AdmissionTracing(tracing));
      this.reconciler = new Reconciler(store, rpc, admission, metrics, c.get(ApiConfig.RECONCILE_MIN_AGE_MS),
          c.get(ApiConfig.RECONCILE_STALE_MS), c.get(ApiConfig.RECONCILE_BATCH));
      this.reconcileIntervalMs = c.get(ApiConfig.RECONCILE_INTERVAL_MS);
      SaleAdmin sales = new SaleAdmin(store, rpc, reconciler, admission,
          c.get(ApiConfig.ADMIN_REOPEN_MAX_PENDING));
      int grpcPort = c.get(ApiConfig.GRPC_PORT);
      this.sagas = new OrderSagas(DtmClient.connect(c.dtm()),
          c.address(ApiConfig.ORDER_HOST, ApiConfig.ORDER_PORT), c.address(ApiConfig.PRODUCT_HOST, ApiConfig.PRODUCT_PORT),
          c.address(ApiConfig.COUPON_HOST, ApiConfig.COUPON_PORT), c.address(ApiConfig.PAY_HOST, ApiConfig.PAY_PORT),
          c.get(ApiConfig.GRPC_ADVERTISED_HOST) + ":" + grpcPort, deadlineMs);
      this.grpc = grpcPort == 0 ? null : NettyServerBuilder.forAddress(new InetSocketAddress(c.get(ApiConfig.GRPC_HOST), grpcPort))
          .addService(ServerInterceptors.intercept(new AdmissionSagaService(store, admission, metrics),
              new DtmServerInterceptor()))
          .addService(grpcHealth.getHealthService())
          .build();
      // The expiry saga's last step is served by this listener: without it there is no expirer here.
      this.expirer = grpc != null && c.get(ApiConfig.EXPIRY_ENABLED)
          ? new OrderExpirer(rpc, sagas, metrics, c.get(ApiConfig.EXPIRY_BATCH),
              c.get(ApiConfig.EXPIRY_CONCURRENCY))
          : null;
      this.expiryIntervalMs = c.get(ApiConfig.EXPIRY_INTERVAL_MS);
      String callbackHost = "0.0.0.0".equals(c.get(ApiConfig.HTTP_HOST)) ? "127.0.0.1" : c.get(ApiConfig.HTTP_HOST);
      this.provider = new SimulatedProvider(providerSignature,
          () -> java.net.URI.create("http://" + callbackHost + ":" + port() + "/api/v1/payments/callback"),
          c.get(ApiConfig.PAYMENT_SIM_SUCCESS), c.get(ApiConfig.PAYMENT_SIM_DELAY_MS));
      PaymentRoutes payments = new PaymentRoutes(rpc, sagas, provider, providerSignature, metrics,
          c.get(ApiConfig.PAYMENT_TOLERANCE_S), 4096);
      int maxBody = c.get(ApiConfig.HTTP_MAX_BODY_BYTES);
      ClientLimiter limiter = new ClientLimiter(c.get(ApiConfig.CLIENT_RATE),
          c.get(ApiConfig.CLIENT_BURST), c.get(ApiConfig.TRUSTED_PROXIES),
          c.get(ApiConfig.CLIENT_MAX_TRACKED));
      HttpApi api = new HttpApi(admission, store, rpc, tokens, limiter, metrics, new HttpApi.Limits(maxBody,
          c.get(ApiConfig.ORDER_MAX_QUANTITY), c.get(ApiConfig.HTTP_MAX_IN_FLIGHT),
          c.get(ApiConfig.HTTP_BODY_TIMEOUT_MS)), payments);
      this.dashboard = dashboard(c, store, rpc, metrics);
      this.adminApi = new AdminApi(admission, store, sales, metrics, adminToken,
          c.get(ApiConfig.ADMIN_MAX_IDS), c.get(ApiConfig.ADMIN_WAIT_MS),
          c.get(ApiConfig.SALES_DEMO_PRODUCTS), dashboard);
      int idleMs = c.get(ApiConfig.HTTP_IDLE_TIMEOUT_MS);
      this.buyerDrain = Handlers.gracefulShutdown(api.handler());
      this.adminDrain = Handlers.gracefulShutdown(adminApi.handler());
      this.drainMs = c.get(ApiConfig.HTTP_SHUTDOWN_DRAIN_MS);
      this.undertow = Undertow.builder()
          .addHttpListener(c.get(ApiConfig.HTTP_PORT), c.get(ApiConfig.HTTP_HOST), buyerDrain)
          .addHttpListener(c.get(ApiConfig.ADMIN_PORT), c.get(ApiConfig.ADMIN_HOST), adminDrain)
          .setIoThreads(c.get(ApiConfig.HTTP_IO_THREADS))
          .setWorkerThreads(c.get(ApiConfig.HTTP_WORKER_THREADS))
          // The handler answers 413 itself after maxBody + 1 bytes; this hard cap (far above it, so
          // the 413 can still be written) bounds what Undertow drains or reads of an oversized body.
          .setServerOption(UndertowOptions.MAX_ENTITY_SIZE, Math.max(64L * 1024, 16L * maxBody))
          .setServerOption(UndertowOptions.MAX_HEADER_SIZE, 16 * 1024)
          .setServerOption(UndertowOptions.MAX_PARAMETERS, 32)
          .setServerOption(UndertowOptions.MAX_HEADERS, 64)
          // Slow clients cannot hold connections: the request line and headers, each read, an idle
          // keep-alive connection are all bounded (the admission body has its own deadline).
          .setServerOption(UndertowOptions.REQUEST_PARSE_TIMEOUT, c.get(ApiConfig.HTTP_PARSE_TIMEOUT_MS))
          .setServerOption(UndertowOptions.NO_REQUEST_TIMEOUT, idleMs)
          .setServerOption(UndertowOptions.IDLE_TIMEOUT, idleMs)
          .setSocketOption(Options.READ_TIMEOUT, c.get(ApiConfig.HTTP_READ_TIMEOUT_MS))
          .build();
    } catch (RuntimeException e) {
      redis.shutdown();
      tracing.close();
      throw e;
    }
  }

  private static TokenVerifier tokenVerifier(ApiConfig c) {
    byte[] secret = null;
    Path secretFile = c.get(ApiConfig.TOKEN_SECRET_FILE).orElse(null);
    try {
      if (secretFile != null) {
        secret = SecretFiles.readBase64Url(secretFile, "buyer token secret");
      }
      return new TokenVerifier(new TokenVerifier.Keys(secret, c.get(ApiConfig.TOKEN_PUBLIC_KEY_FILE).orElse(null),
          c.get(ApiConfig.TOKEN_JWKS_FILE).orElse(null)), c.get(ApiConfig.TOKEN_ISSUER), c.get(ApiConfig.TOKEN_AUDIENCE),
          Duration.ofSeconds(c.get(ApiConfig.TOKEN_CLOCK_SKEW_S)));
    } catch (IllegalArgumentException | SecretFiles.SecretException e) {
      throw new ConfigException("buyer token keys (" + ApiConfig.TOKEN_SECRET_FILE + ", " + ApiConfig.TOKEN_PUBLIC_KEY_FILE
          + ", " + ApiConfig.TOKEN_JWKS_FILE + "): " + e.getMessage());
    }
  }

  /** The operator token, or null when the dev flag allows none (logged loudly). */
  private static String adminToken(ApiConfig c) {
    String literal = c.get(ApiConfig.ADMIN_TOKEN).strip();
    String token = literal;
    if (token.isEmpty()) {
      Path file = c.get(ApiConfig.ADMIN_TOKEN_FILE).orElse(null);
      if (file != null) {
        try {
          token = SecretFiles.read(file, "admin token");
        } catch (SecretFiles.SecretException e) {
          throw new ConfigException(ApiConfig.ADMIN_TOKEN_FILE + ": " + e.getMessage());
        }
      }
    }
    if (token.isEmpty()) {
      log.warn("************************************************************************************");
      log.warn("admin.allow-no-token=true: the admin routes answer ANYONE who reaches the admin port.");
      log.warn("Development only. Set admin.token-file (env SECKILL_ADMIN_TOKEN_FILE) for anything else.");
      log.warn("************************************************************************************");
      return null;
    }
    if (token.length() < 16) {
      throw new ConfigException("the admin token has " + token.length() + " characters, at least 16 are needed");
    }
    return token;
  }

  private static ProviderSignature providerSignature(ApiConfig c) {
    // validate() made sure it is set.
    Path file = c.get(ApiConfig.PAYMENT_SECRET_FILE).orElseThrow();
    try {
      return new ProviderSignature(SecretFiles.readBase64Url(file, "payment provider secret"));
    } catch (IllegalArgumentException | SecretFiles.SecretException e) {
      throw new ConfigException(ApiConfig.PAYMENT_SECRET_FILE + ": " + e.getMessage());
    }
  }

  private static OrderSigning orderSigning(ApiConfig c) {
    Path file = c.get(ApiConfig.ORDER_SIGNING_KEYS_FILE);
    try {
      return OrderSigning.fromFile(file);
    } catch (IllegalArgumentException | SecretFiles.SecretException e) {
      throw new ConfigException(ApiConfig.ORDER_SIGNING_KEYS_FILE + " (env "
          + String.join(" / ", c.envNames(ApiConfig.ORDER_SIGNING_KEYS_FILE.name())) + "): " + e.getMessage());
    }
  }

  /** The live dashboard over every part the config names. */
  private static Dashboard dashboard(ApiConfig c, AdmissionStore store, ProductCatalog catalog, ApiMetrics metrics) {
    String dtm = "http://" + c.get(ApiConfig.DTM_HOST) + ":" + c.get(ApiConfig.DTM_HTTP_PORT);
    String consumer = "http://" + c.address(ApiConfig.CONSUMER_HOST, ApiConfig.CONSUMER_METRICS_PORT);
    java.util.Map<String, String> grpc = new java.util.LinkedHashMap<>();
    grpc.put("order-rpc", c.address(ApiConfig.ORDER_HOST, ApiConfig.ORDER_PORT));
    grpc.put("product-rpc", c.address(ApiConfig.PRODUCT_HOST, ApiConfig.PRODUCT_PORT));
    grpc.put("coupon-rpc", c.address(ApiConfig.COUPON_HOST, ApiConfig.COUPON_PORT));
    grpc.put("pay-rpc", c.address(ApiConfig.PAY_HOST, ApiConfig.PAY_PORT));
    long timeoutMs = c.get(ApiConfig.DASHBOARD_PROBE_TIMEOUT_MS);
    PartProbes probes = new PartProbes(new PartProbes.Targets(grpc, java.net.URI.create(consumer + "/-/healthy"),
        java.net.URI.create(dtm + "/api/ping"), c.address(ApiConfig.KAFKA_HOST, ApiConfig.KAFKA_PORT),
        new InetSocketAddress(c.get(ApiConfig.DB_HOST), c.get(ApiConfig.DB_PORT))),
        store::ping, timeoutMs);
    return new Dashboard(store, catalog, metrics, probes, new Dashboard.Settings(
        c.get(ApiConfig.DASHBOARD_REFRESH_MS), c.get(ApiConfig.DASHBOARD_IDLE_AFTER_MS),
        c.get(ApiConfig.DASHBOARD_MAX_PRODUCTS), java.net.URI.create(consumer + "/metrics"),
        java.net.URI.create(dtm + "/api/metrics"), timeoutMs));
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
    s.dashboard.start();
    if (s.grpc != null) {
      try {
        s.grpc.start();
      } catch (java.io.IOException e) {
        s.close();
        throw new IllegalStateException("cannot listen for gRPC on " + ApiConfig.GRPC_PORT + ": " + e.getMessage(), e);
      }
      s.grpcHealth.setStatus(HealthStatusManager.SERVICE_NAME_ALL_SERVICES, ServingStatus.SERVING);
    }
    if (s.expirer != null) {
      s.expirer.start(s.expiryIntervalMs);
    }
    return s;
  }

  /** The bound buyer port (useful with {@code api.port=0}). */
  public int port() {
    return ((InetSocketAddress) undertow.getListenerInfo().get(0).getAddress()).getPort();
  }

  /** The bound admin port (useful with {@code admin.port=0}). */
  public int adminPort() {
    return ((InetSocketAddress) undertow.getListenerInfo().get(1).getAddress()).getPort();
  }

  /** The admission store (tests and the benchmark inspect Redis through it). */
  public AdmissionStore store() {
    return store;
  }

  /** The order directory (order-rpc): tests read the rows the API recorded. */
  public OrderDirectory orders() {
    return rpc;
  }

  /** The reconciler (tests run passes on demand). */
  public Reconciler reconciler() {
    return reconciler;
  }

  /** The admission service. */
  public AdmissionService admission() {
    return admission;
  }

  /** The bound gRPC port of the AdmissionSaga branch, or 0 when this instance serves none. */
  public int grpcPort() {
    return grpc == null ? 0 : grpc.getPort();
  }

  /** The expirer, or null when this instance runs none (tests run passes on demand). */
  public OrderExpirer expirer() {
    return expirer;
  }

  /** The metrics. */
  public ApiMetrics metrics() {
    return metrics;
  }

  private static Config redisConfig(ApiConfig c) {
    Config rc = new Config();
    String password = c.get(ApiConfig.REDIS_PASSWORD);
    int pool = c.get(ApiConfig.REDIS_POOL_SIZE);
    rc.setNettyThreads(c.get(ApiConfig.REDIS_NETTY_THREADS));
    rc.useSingleServer()
        .setAddress("redis://" + c.get(ApiConfig.REDIS_HOST) + ":" + c.get(ApiConfig.REDIS_PORT))
        .setPassword(password.isEmpty() ? null : password)
        .setTimeout(c.get(ApiConfig.REDIS_TIMEOUT_MS))
        .setConnectionPoolSize(pool)
        .setConnectionMinimumIdleSize(Math.min(pool, 8))
        // No client-side retry: a retried admission script after a lost reply would run twice.
        .setRetryAttempts(0);
    return rc;
  }

  /** Stops taking requests, then closes the reconciler, Kafka, gRPC, the pool and Redis. */
  @Override
  public void close() {
    // First the HTTP drain: new requests get 503, those in progress finish with Redis, Kafka and
    // the services still open, so no admitted buyer is left without an answer.
    buyerDrain.shutdown();
    adminDrain.shutdown();
    try {
      if (!buyerDrain.awaitShutdown(drainMs) || !adminDrain.awaitShutdown(Math.max(1, drainMs / 10))) {
        log.warn("seckill-api: requests still in progress after the {} ms drain", drainMs);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    if (expirer != null) {
      expirer.close();
    }
    if (grpc != null) {
      grpcHealth.enterTerminalState();
      grpc.shutdown();
    }
    provider.close();
    undertow.stop();
    adminApi.close();
    dashboard.close();
    reconciler.close();
    publisher.close();
    rpc.close();
    coupons.close();
    sagas.close();
    redis.shutdown();
    tracing.close();
  }

  /** Starts the server from {@code seckill-api.properties} and the environment. */
  public static void main(String[] args) {
    ApiConfig config;
    ApiServer server;
    try {
      config = ApiConfig.load().validate();
      server = start(config);
    } catch (ConfigException e) {
      System.err.println("seckill-api: " + e.getMessage());
      System.exit(2);
      return;
    }
    log.info("seckill-api listening on {}:{} (buyers) and {}:{} (admin)", config.get(ApiConfig.HTTP_HOST),
        server.port(), config.get(ApiConfig.ADMIN_HOST), server.adminPort());
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      log.info("seckill-api stopping");
      server.close();
    }, "api-shutdown"));
  }
}
