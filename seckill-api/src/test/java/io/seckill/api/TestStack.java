package io.seckill.api;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import io.seckill.auth.BuyerTokens;
import io.seckill.auth.StackSecrets;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.NewTopic;
import org.redisson.Redisson;
import org.redisson.api.RedissonClient;
import org.redisson.config.Config;

/** The real local stack as the tests see it: endpoints from the env (launcher defaults), helpers. */
final class TestStack {
  static final String HOST = "127.0.0.1";
  static final int REDIS_PORT = envInt("SECKILL_REDIS_PORT", 6379);
  static final int KAFKA_PORT = envInt("SECKILL_KAFKA_PORT", 9092);
  static final int DB_PORT = envInt("SECKILL_DB_PORT", 3306);
  static final int ORDER_PORT = envInt("SECKILL_ORDER_GRPC_PORT", 9001);
  static final int PRODUCT_PORT = envInt("SECKILL_PRODUCT_GRPC_PORT", 9002);
  static final int COUPON_PORT = envInt("SECKILL_COUPON_GRPC_PORT", 9003);
  static final int PAY_PORT = envInt("SECKILL_PAY_GRPC_PORT", 9004);
  static final int DTM_GRPC_PORT = envInt("SECKILL_DTM_GRPC_PORT", 36790);
  /** The owner account: tests set up and inspect data with it (the API itself has no database account). */
  static final String DB_USER = env("SECKILL_DB_USER", "seckill");
  static final String DB_PASSWORD = env("SECKILL_DB_PASSWORD", "seckill");
  /** Admission-only tests publish here, so the pipeline's consumer never sees their orders. */
  static final String TEST_TOPIC = "seckill.api.test";

  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5))
      .version(HttpClient.Version.HTTP_1_1).build();

  private TestStack() {}

  static String env(String name, String dflt) {
    String v = System.getenv(name);
    return v == null || v.isBlank() ? dflt : v.trim();
  }

  static int envInt(String name, int dflt) {
    return Integer.parseInt(env(name, Integer.toString(dflt)));
  }

  static boolean reachable(int port) {
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress(HOST, port), 500);
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  /** A port nobody listens on (bound then released). */
  static int closedPort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getByName(HOST))) {
      return s.getLocalPort();
    }
  }

  /** A product id of the tests' own range (>= 3,000,000), random so reruns do not collide. */
  static long testProductId() {
    return 3_000_000L + ThreadLocalRandom.current().nextLong(1, 6_000_000);
  }

  /** The stack's secrets (made by ./seckill up): the keys the servers under test are given. */
  static final StackSecrets SECRETS = StackSecrets.fromEnv();
  private static final Map<Long, String> TOKENS = new java.util.concurrent.ConcurrentHashMap<>();

  /** A buyer token of the stack for {@code userId}, valid for an hour (cached per buyer). */
  static String token(long userId) {
    return TOKENS.computeIfAbsent(userId, u -> TokenHolder.MINT.mint(u, Duration.ofHours(1), java.time.Instant.now()));
  }

  private static final class TokenHolder {
    static final BuyerTokens MINT = SECRETS.buyerTokens();
  }

  /**
   * Test settings on top of the packaged ones: free ports, no reconciler, fixed coupon discount, the
   * stack's keys, no per-IP limit (every test client is 127.0.0.1).
   */
  static ApiConfig config(Map<String, String> overrides) {
    Map<String, String> all = new HashMap<>();
    all.put(ApiConfig.HTTP_PORT.name(), "0");
    all.put(ApiConfig.ADMIN_PORT.name(), "0");
    all.put(ApiConfig.TOKEN_SECRET_FILE.name(), SECRETS.buyerTokenSecret().toString());
    all.put(ApiConfig.ORDER_SIGNING_KEYS_FILE.name(), SECRETS.orderSigningKeys().toString());
    all.put(ApiConfig.ADMIN_TOKEN_FILE.name(), SECRETS.adminToken().toString());
    all.put(ApiConfig.PAYMENT_SECRET_FILE.name(), SECRETS.paymentProviderSecret().toString());
    // The stack's API serves the saga branch and runs the expirer; a test instance does neither.
    all.put(ApiConfig.GRPC_PORT.name(), "0");
    all.put(ApiConfig.CLIENT_RATE.name(), "0");
    all.put(ApiConfig.KAFKA_TOPIC.name(), TEST_TOPIC);
    all.put(ApiConfig.RECONCILE_INTERVAL_MS.name(), "0");
    all.put(ApiConfig.COUPON_SOURCE.name(), "fixed");
    all.put(ApiConfig.RATE_LIMIT.name(), "1000");
    all.put(ApiConfig.HTTP_WORKER_THREADS.name(), "128");
    all.putAll(overrides);
    return ApiConfig.load().with(all);
  }

  static RedissonClient redis() {
    Config c = new Config();
    c.useSingleServer().setAddress("redis://" + HOST + ":" + REDIS_PORT);
    return Redisson.create(c);
  }

  /** Deletes every Redis key of {@code productId}. */
  static void cleanRedis(RedissonClient redis, long productId) {
    redis.getKeys().deleteByPattern("seckill:*{" + productId + "}*");
    redis.getSet(AdmissionStore.SALES_KEY, org.redisson.client.codec.StringCodec.INSTANCE)
        .remove(Long.toString(productId));
  }

  static void ensureTopic(String topic) throws Exception {
    try (Admin admin = kafkaAdmin()) {
      Set<String> names = admin.listTopics().names().get(30, TimeUnit.SECONDS);
      if (!names.contains(topic)) {
        try {
          admin.createTopics(List.of(new NewTopic(topic, 3, (short) 1))).all().get(30, TimeUnit.SECONDS);
        } catch (java.util.concurrent.ExecutionException e) {
          if (!(e.getCause() instanceof org.apache.kafka.common.errors.TopicExistsException)) {
            throw e;
          }
        }
      }
    }
  }

  /** True when the seckill-consumer group has live members. */
  static boolean consumerRunning() {
    try (Admin admin = kafkaAdmin()) {
      ConsumerGroupDescription d = admin.describeConsumerGroups(List.of("seckill-consumer"))
          .all().get(10, TimeUnit.SECONDS).get("seckill-consumer");
      return d != null && !d.members().isEmpty();
    } catch (Exception e) {
      return false;
    }
  }

  static Admin kafkaAdmin() {
    Properties p = new Properties();
    p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, HOST + ":" + KAFKA_PORT);
    p.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000);
    p.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 20_000);
    return Admin.create(p);
  }

  static Connection db() throws SQLException {
    return DriverManager.getConnection("jdbc:mysql://" + HOST + ":" + DB_PORT + "/seckill_product", DB_USER, DB_PASSWORD);
  }

  /** Inserts product {@code id} with {@code stock} units at {@code priceCents} into seckill_product. */
  static void insertProduct(Connection db, long id, String name, long priceCents, long stock) throws SQLException {
    try (java.sql.PreparedStatement ps = db.prepareStatement("INSERT INTO seckill_product.product "
        + "(id, name, price_cents, initial_stock, available) VALUES (?, ?, ?, ?, ?)")) {
      ps.setLong(1, id);
      ps.setString(2, name);
      ps.setLong(3, priceCents);
      ps.setLong(4, stock);
      ps.setLong(5, stock);
      ps.executeUpdate();
    }
  }

  /**
   * Deletes what a test left for {@code product}: its orders' payments, its orders and their
   * order-rpc barrier rows, and the product. A schema this account cannot reach is passed over; the
   * other rows still go.
   */
  static void deleteProductRows(long product) throws SQLException {
    try (Connection db = db()) {
      for (String sql : List.of(
          "DELETE FROM seckill_pay.payment WHERE order_id IN (SELECT order_id FROM seckill_order.orders WHERE product_id = ?)",
          "DELETE FROM seckill_order.barrier WHERE gid LIKE CONCAT('seckill-', ?, '-%')",
          "DELETE FROM seckill_order.orders WHERE product_id = ?",
          "DELETE FROM seckill_product.product WHERE id = ?")) {
        try (java.sql.PreparedStatement ps = db.prepareStatement(sql)) {
          ps.setLong(1, product);
          ps.executeUpdate();
        } catch (SQLException e) {
          // Not reachable for this account: nothing of the test's to delete there.
        }
      }
    }
  }

  /**
   * Runs order-rpc's TCC Try for an order as DTM would (gid {@code seckill-<orderId>}, branch 01),
   * as if its message had reached the consumer; returns the row it left.
   */
  static OrderDirectory.StoredOrder tryOrder(String orderId, long userId, long productId, int quantity) {
    io.grpc.ManagedChannel ch = io.grpc.ManagedChannelBuilder.forAddress(HOST, ORDER_PORT).usePlaintext().build();
    try {
      io.grpc.Metadata h = new io.grpc.Metadata();
      h.put(io.seckill.dtm.DtmHeaders.GID, "seckill-" + orderId);
      h.put(io.seckill.dtm.DtmHeaders.TRANS_TYPE, io.seckill.dtm.DtmHeaders.TCC);
      h.put(io.seckill.dtm.DtmHeaders.BRANCH_ID, "01");
      h.put(io.seckill.dtm.DtmHeaders.OP, "try");
      h.put(io.seckill.dtm.DtmHeaders.DTM, HOST + ":" + DTM_GRPC_PORT);
      io.seckill.proto.order.OrderServiceGrpc.newBlockingStub(ch)
          .withInterceptors(io.grpc.stub.MetadataUtils.newAttachHeadersInterceptor(h))
          .withDeadlineAfter(10, TimeUnit.SECONDS)
          .try_(io.seckill.proto.order.OrderRequest.newBuilder().setOrderId(orderId).setUserId(userId)
              .setProductId(productId).setQuantity(quantity).setAmountCents(900L * quantity).build());
      try (GrpcClients orders = new GrpcClients(HOST + ":" + ORDER_PORT, HOST + ":" + PRODUCT_PORT, 10_000)) {
        return orders.find(orderId).orElseThrow(() -> new AssertionError("Try left no row for " + orderId));
      }
    } finally {
      ch.shutdownNow();
    }
  }

  /** A POST with {@code headers} (name, value, name, value...) and a JSON body. */
  static HttpResponse<String> post(int port, String path, String body, String... headers)
      throws IOException, InterruptedException {
    return postTyped(port, path, "application/json", body, headers);
  }

  /** Sends {@code b} with {@code headers} (name, value, name, value...). */
  private static HttpResponse<String> send(HttpRequest.Builder b, String... headers)
      throws IOException, InterruptedException {
    for (int i = 0; i + 1 < headers.length; i += 2) {
      b.header(headers[i], headers[i + 1]);
    }
    return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  /** A POST with its own Content-Type. */
  static HttpResponse<String> postTyped(int port, String path, String contentType, String body, String... headers)
      throws IOException, InterruptedException {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://" + HOST + ":" + port + path))
        .timeout(Duration.ofSeconds(30)).header("Content-Type", contentType)
        .POST(HttpRequest.BodyPublishers.ofString(body));
    return send(b, headers);
  }

  /** A GET with {@code headers} (name, value, name, value...). */
  static HttpResponse<String> get(int port, String path, String... headers) throws IOException, InterruptedException {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://" + HOST + ":" + port + path))
        .timeout(Duration.ofSeconds(30)).GET();
    return send(b, headers);
  }

  /** Buyer {@code userId} asks for an order, with the buyer's token. */
  static HttpResponse<String> admit(int port, long userId, long productId, int quantity, long couponId)
      throws IOException, InterruptedException {
    return post(port, "/api/v1/seckill/orders", order(productId, quantity, couponId), "Authorization", "Bearer " + token(userId));
  }

  /** Buyer {@code userId} reads an order, with the buyer's token. */
  static HttpResponse<String> getOrder(int port, long userId, String orderId) throws IOException, InterruptedException {
    return get(port, "/api/v1/orders/" + orderId, "Authorization", "Bearer " + token(userId));
  }

  /** An admin POST on the admin port, with the stack's operator token. */
  static HttpResponse<String> adminPost(int adminPort, String path) throws IOException, InterruptedException {
    return post(adminPort, path, "", "Authorization", "Bearer " + SECRETS.adminTokenValue());
  }

  /** The body of an order: the buyer is the token's, never the body's. */
  static String order(long productId, int quantity, long couponId) {
    return "{\"productId\":" + productId + ",\"quantity\":" + quantity + ",\"couponId\":" + couponId + "}";
  }
}
