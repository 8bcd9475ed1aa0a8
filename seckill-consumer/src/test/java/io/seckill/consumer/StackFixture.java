package io.seckill.consumer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.seckill.auth.OrderSigning;
import io.seckill.auth.StackSecrets;
import io.seckill.dtm.client.DtmClient;
import io.seckill.dtm.client.DtmTransaction;
import io.seckill.runtime.settings.DtmSettings;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.ThreadLocalRandom;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * The real local stack as the end-to-end tests see it: endpoints from env (launcher defaults), a
 * unique topic pair per test class, product and coupon rows with this run's own ids (>= 2,000,000)
 * and their cleanup, and reads of final states from MariaDB and DTM.
 */
final class StackFixture implements AutoCloseable {
  static final String KAFKA = env("SECKILL_KAFKA_BOOTSTRAP_SERVERS", "127.0.0.1:" + env("SECKILL_KAFKA_PORT", "9092"));
  static final String DB_HOST = env("SECKILL_DB_HOST", "127.0.0.1");
  static final String DB_PORT = env("SECKILL_DB_PORT", "3306");
  static final String DB_USER = env("SECKILL_DB_USER", "seckill");
  static final String DB_PASSWORD = env("SECKILL_DB_PASSWORD", "seckill");
  private static final ObjectMapper JSON = new ObjectMapper();

  final String run = Long.toString(System.currentTimeMillis(), 36) + Integer.toString(ThreadLocalRandom.current().nextInt(1296), 36);
  final String topic = "test.orders." + run;
  final String dlqTopic = "test.orders.dlq." + run;
  /** Ten ids of this run: 2,100,000 + a per-run block (a band other suites do not use). */
  final long idBase = 2_100_000L + ThreadLocalRandom.current().nextLong(0, 50_000) * 10;
  final DtmClient dtm = DtmClient.connect(DtmSettings.fromEnv());
  /** The stack's keyring (`./seckill up` writes it): the consumer under test checks with the same file. */
  final Path keyringFile = StackSecrets.fromEnv().orderSigningKeys().toAbsolutePath();
  final OrderSigning signing = OrderSigning.fromFile(keyringFile);
  final KafkaProducer<byte[], byte[]> producer;
  private final List<Long> products = new ArrayList<>();
  private final List<Long> coupons = new ArrayList<>();
  private final List<String> orderIds = new ArrayList<>();

  StackFixture(int partitions) throws Exception {
    Properties p = new Properties();
    p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, KAFKA);
    try (Admin admin = Admin.create(p)) {
      admin.createTopics(List.of(new NewTopic(topic, partitions, (short) 1), new NewTopic(dlqTopic, 1, (short) 1)))
          .all().get();
    }
    Properties pp = new Properties();
    pp.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, KAFKA);
    pp.put(ProducerConfig.ACKS_CONFIG, "all");
    producer = new KafkaProducer<>(pp, new ByteArraySerializer(), new ByteArraySerializer());
  }

  /** True when Kafka, MariaDB, DTM and the four services all accept connections. */
  static Optional<String> stackDown() {
    Map<String, String> parts = new HashMap<>();
    parts.put("kafka", KAFKA);
    parts.put("mariadb", DB_HOST + ":" + DB_PORT);
    parts.put("dtm", DtmSettings.fromEnv().grpcTarget());
    parts.put("order-rpc", "127.0.0.1:" + env("SECKILL_ORDER_GRPC_PORT", "9001"));
    parts.put("product-rpc", "127.0.0.1:" + env("SECKILL_PRODUCT_GRPC_PORT", "9002"));
    parts.put("coupon-rpc", "127.0.0.1:" + env("SECKILL_COUPON_GRPC_PORT", "9003"));
    parts.put("pay-rpc", "127.0.0.1:" + env("SECKILL_PAY_GRPC_PORT", "9004"));
    for (Map.Entry<String, String> e : parts.entrySet()) {
      String[] hp = e.getValue().split(",")[0].split(":");
      try (Socket s = new Socket()) {
        s.connect(new InetSocketAddress(hp[0], Integer.parseInt(hp[1])), 500);
      } catch (Exception ex) {
        return Optional.of(e.getKey() + " at " + e.getValue() + " is not reachable (run ./seckill up)");
      }
    }
    return Optional.empty();
  }

  static String env(String name, String dflt) {
    String v = System.getenv(name);
    return v == null || v.isBlank() ? dflt : v;
  }

  /** The settings an in-process or child consumer of this fixture uses (metrics on a free port). */
  Map<String, String> consumerSettings(String group) {
    Map<String, String> m = new HashMap<>();
    m.put("kafka.bootstrap-servers", KAFKA);
    m.put("consumer.topic", topic);
    m.put("consumer.dlq-topic", dlqTopic);
    m.put("consumer.group-id", group);
    m.put("metrics.port", "0");
    m.put("consumer.commit-interval-ms", "200");
    m.put("consumer.shutdown-timeout-ms", "5000");
    // The broker's minimum: a killed child's partitions move to its successor quickly.
    m.put("consumer.session-timeout-ms", "6000");
    // The shipped default is relative to the checkout; the tests run in the module's directory.
    m.put("order-signing.keys-file", keyringFile.toString());
    return m;
  }

  Connection db() throws SQLException {
    return DriverManager.getConnection("jdbc:mysql://" + DB_HOST + ":" + DB_PORT + "/?allowPublicKeyRetrieval=true&useSSL=false",
        DB_USER, DB_PASSWORD);
  }

  long product(int slot, long stock, long priceCents) throws SQLException {
    long id = idBase + slot;
    try (Connection c = db(); PreparedStatement st = c.prepareStatement(
        "INSERT INTO seckill_product.product (id, name, price_cents, initial_stock, available) VALUES (?, ?, ?, ?, ?)")) {
      st.setLong(1, id);
      st.setString(2, "consumer test " + run);
      st.setLong(3, priceCents);
      st.setLong(4, stock);
      st.setLong(5, stock);
      st.executeUpdate();
    }
    products.add(id);
    return id;
  }

  long coupon(int slot, long userId) throws SQLException {
    long id = idBase + slot;
    try (Connection c = db(); PreparedStatement st = c.prepareStatement(
        "INSERT INTO seckill_coupon.coupon (id, user_id, status, discount_cents) VALUES (?, ?, 'UNUSED', 100)")) {
      st.setLong(1, id);
      st.setLong(2, userId);
      st.executeUpdate();
    }
    coupons.add(id);
    return id;
  }

  /** A user id unique to this run. */
  long user(int n) {
    return idBase * 100 + n;
  }

  String orderId(String name) {
    String id = "ct-" + run + "-" + name;
    orderIds.add(id);
    return id;
  }

  static String json(String orderId, long userId, long productId, int quantity, long couponId, long amount) {
    return "{\"orderId\":\"" + orderId + "\",\"userId\":" + userId + ",\"productId\":" + productId + ",\"quantity\":"
        + quantity + ",\"couponId\":" + couponId + ",\"amountCents\":" + amount + ",\"requestedAt\":\"2026-11-22T10:00:00Z\"}";
  }

  /** Sends {@code value}, signed with the stack's key as every producer does when it is an order. */
  void send(String key, String value) throws Exception {
    send(key, value.getBytes(StandardCharsets.UTF_8), null);
  }

  /** Like {@link #send(String, String)}; what is no order at all (poison) goes unsigned. */
  void send(String key, byte[] value, Integer partition) throws Exception {
    OrderSigning.Content content = contentOf(value);
    send(key, value, partition, content == null ? null : signing.sign(content));
  }

  /** Sends {@code value} with {@code signature}'s headers, or none when it is null. */
  void send(String key, byte[] value, Integer partition, OrderSigning.Signature signature) throws Exception {
    ProducerRecord<byte[], byte[]> r = new ProducerRecord<>(topic, partition,
        key == null ? null : key.getBytes(StandardCharsets.UTF_8), value);
    if (signature != null) {
      r.headers().add(OrderSigning.KEY_ID_HEADER, signature.keyId().getBytes(StandardCharsets.UTF_8));
      r.headers().add(OrderSigning.SIGNATURE_HEADER, signature.value().getBytes(StandardCharsets.UTF_8));
    }
    producer.send(r).get();
  }

  /**
   * What a producer signs for {@code value}, read here independently of the consumer's parser:
   * null unless it is a JSON object with every required field.
   */
  static OrderSigning.Content contentOf(byte[] value) {
    JsonNode n;
    try {
      n = JSON.readTree(value);
    } catch (Exception e) {
      return null;
    }
    if (n == null || !n.isObject()) {
      return null;
    }
    for (String f : List.of("orderId", "userId", "productId", "quantity", "amountCents")) {
      if (!n.hasNonNull(f)) {
        return null;
      }
    }
    return new OrderSigning.Content(n.get("orderId").asText(), n.get("userId").asLong(), n.get("productId").asLong(),
        n.get("quantity").asLong(), n.path("couponId").asLong(0), n.get("amountCents").asLong(),
        n.path("requestedAt").asText(""));
  }

  /** order_id -> status|reason for the given orders. */
  Map<String, String> orders(Collection<String> ids) throws SQLException {
    Map<String, String> out = new HashMap<>();
    if (ids.isEmpty()) {
      return out;
    }
    String marks = String.join(",", java.util.Collections.nCopies(ids.size(), "?"));
    try (Connection c = db(); PreparedStatement st = c.prepareStatement(
        "SELECT order_id, status, reason FROM seckill_order.orders WHERE order_id IN (" + marks + ")")) {
      int i = 1;
      for (String id : ids) {
        st.setString(i++, id);
      }
      try (ResultSet rs = st.executeQuery()) {
        while (rs.next()) {
          out.put(rs.getString(1), rs.getString(2) + "|" + rs.getString(3));
        }
      }
    }
    return out;
  }

  long scalar(String sql, Object... args) throws SQLException {
    try (Connection c = db(); PreparedStatement st = c.prepareStatement(sql)) {
      for (int i = 0; i < args.length; i++) {
        st.setObject(i + 1, args[i]);
      }
      try (ResultSet rs = st.executeQuery()) {
        rs.next();
        return rs.getLong(1);
      }
    }
  }

  String dtmStatus(String orderId) throws Exception {
    Optional<DtmTransaction> t = dtm.queryNow(TccOrderTransactions.gid(orderId));
    return t.map(x -> x.status().name()).orElse("NONE");
  }

  private boolean quiet() {
    try {
      for (String id : orderIds) {
        String s = dtmStatus(id);
        if (!s.equals("SUCCEED") && !s.equals("FAILED") && !s.equals("NONE")) {
          return false;
        }
      }
      for (long p : products) {
        if (scalar("SELECT frozen FROM seckill_product.product WHERE id = ?", p) != 0) {
          return false;
        }
      }
      return true;
    } catch (Exception e) {
      return false;
    }
  }

  /** Waits until every order has a final row and its global transaction is final in DTM. */
  Map<String, String> awaitFinal(Collection<String> ids, Duration timeout) throws Exception {
    long deadline = System.nanoTime() + timeout.toNanos();
    Map<String, String> rows = Map.of();
    while (true) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("orders not final after " + timeout + ": " + rows.size() + "/" + ids.size() + " rows: " + rows);
      }
      try {
        rows = orders(ids);
      } catch (SQLException e) {
        // The shared stack may be restarting MariaDB (./seckill chaos): wait, do not fail on it.
        Thread.sleep(500);
        continue;
      }
      boolean done = rows.size() == ids.size() && rows.values().stream().noneMatch(v -> v.startsWith("TRYING"));
      if (done) {
        boolean dtmDone = true;
        for (String id : ids) {
          String s = dtmStatus(id);
          if (!s.equals("SUCCEED") && !s.equals("FAILED")) {
            dtmDone = false;
            break;
          }
        }
        if (dtmDone) {
          return rows;
        }
      }
      Thread.sleep(200);
    }
  }

  /** Invariants of docs/design.md for this run's products: counters add up, nothing frozen, sold = confirmed. */
  void assertStockInvariants() throws SQLException {
    for (long p : products) {
      long bad = scalar("SELECT COUNT(*) FROM seckill_product.product WHERE id = ? AND "
          + "(initial_stock <> available + frozen + sold OR frozen <> 0)", p);
      if (bad != 0) {
        throw new AssertionError("stock counters of product " + p + " do not add up or are frozen");
      }
      long sold = scalar("SELECT sold FROM seckill_product.product WHERE id = ?", p);
      long confirmed = scalar("SELECT COALESCE(SUM(quantity), 0) FROM seckill_order.orders WHERE product_id = ? AND status = 'CONFIRMED'", p);
      if (sold != confirmed) {
        throw new AssertionError("product " + p + ": sold " + sold + " but confirmed quantity " + confirmed);
      }
      long unpaid = scalar("SELECT COUNT(*) FROM seckill_order.orders o LEFT JOIN seckill_pay.payment p ON p.order_id = o.order_id "
          + "WHERE o.product_id = ? AND o.status = 'CONFIRMED' AND (p.status IS NULL OR p.status <> 'AWAITING_PAYMENT')", p);
      if (unpaid != 0) {
        throw new AssertionError("product " + p + ": " + unpaid + " confirmed orders without an AWAITING_PAYMENT payment");
      }
    }
  }

  /**
   * Removes this run's rows, all or nothing: only when every order's transaction is final in DTM
   * and no unit is frozen, so no late Confirm/Cancel hits a missing row and what stays behind
   * (if anything) still satisfies the invariants `./seckill verify` checks.
   */
  @Override
  public void close() throws Exception {
    producer.close(Duration.ofSeconds(5));
    boolean quiet = false;
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (!quiet && System.nanoTime() < deadline) {
      quiet = quiet();
      if (!quiet) {
        Thread.sleep(500);
      }
    }
    if (quiet) {
      try (Connection c = db()) {
        c.setAutoCommit(false);
        for (String id : orderIds) {
          for (String sql : List.of("DELETE FROM seckill_order.orders WHERE order_id = ?",
              "DELETE FROM seckill_pay.payment WHERE order_id = ?")) {
            try (PreparedStatement st = c.prepareStatement(sql)) {
              st.setString(1, id);
              st.executeUpdate();
            }
          }
        }
        for (long p : products) {
          try (PreparedStatement st = c.prepareStatement("DELETE FROM seckill_product.product WHERE id = ?")) {
            st.setLong(1, p);
            st.executeUpdate();
          }
        }
        for (long id : coupons) {
          try (PreparedStatement st = c.prepareStatement("DELETE FROM seckill_coupon.coupon WHERE id = ?")) {
            st.setLong(1, id);
            st.executeUpdate();
          }
        }
        c.commit();
      }
    } else {
      System.err.println("StackFixture " + run + ": transactions still unfinished after 60 s; rows left in place");
    }
    Properties p = new Properties();
    p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, KAFKA);
    try (Admin admin = Admin.create(p)) {
      admin.deleteTopics(List.of(topic, dlqTopic)).all().get();
    } catch (Exception e) {
      // Topics are unique per run; a leftover one is harmless.
    }
    dtm.close();
  }
}
