package io.seckill.verify;

import io.seckill.auth.OrderSigning;
import io.seckill.auth.StackSecrets;
import io.seckill.proto.OrderMessage;
import io.seckill.proto.codec.OrderCodec;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Properties;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * The seeded order stream of one chaos round: its own products and coupons, written first; more
 * demand than stock, coupons shared by some users' repeat orders, so refusals happen too. The first
 * {@code apiProducts} products are sold through the API (their sale opened by the admin call, each
 * order a buyer's HTTP request, {@link ApiBuyers}), so Redis's slots, marks and admission records are
 * exercised under the faults; the others get orders straight into Kafka (the load generator's kafka
 * mode, reproduced here so the run knows every id it sent), signed with the stack's keyring as every
 * producer's are. A product is fed one way only: an order that bypassed Redis would make its sale's
 * slots disagree with the database by design. Poison goes unsigned; it is refused for its content.
 */
public final class ChaosLoad implements AutoCloseable {
  /** Coupons knock this much off an order. */
  static final long DISCOUNT = 200;

  private final KafkaProducer<String, byte[]> producer;
  private final OrderSigning signing;
  private final String topic;
  private final long productBase;
  private final int products;
  private final long stockPerProduct;
  private final long userBase;
  private final int users;
  private final long couponBase;
  private final Random rnd;
  private final String runTag;
  /** Every valid record sent, headers included, so a duplicate is the same record again. */
  private final List<ProducerRecord<String, byte[]>> sent = new ArrayList<>();
  private final Set<String> sentIds = new LinkedHashSet<>();
  private int poisonSent;
  private int duplicatesSent;
  private int kafkaOrders;
  private final int apiProducts;
  private final ApiBuyers buyers;

  /** A load of {@code products} products from {@code productBase}, {@code users} users, seeded, all through Kafka. */
  public ChaosLoad(VerifierConfig config, long productBase, int products, long stockPerProduct, int users, long seed) {
    this(config, productBase, products, stockPerProduct, users, seed, 0, 1);
  }

  /**
   * As above, the first {@code apiProducts} products sold through the buyer port of {@code apis}
   * API instances (a buyer always goes to the same one, as behind a sticky load balancer).
   */
  public ChaosLoad(VerifierConfig config, long productBase, int products, long stockPerProduct, int users, long seed,
      int apiProducts, int apis) {
    Properties p = new Properties();
    p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, config.kafkaBootstrap());
    // Idempotent, acknowledged by all replicas: a sent order is really in the topic, once.
    p.put(ProducerConfig.ACKS_CONFIG, "all");
    p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    p.put(ProducerConfig.LINGER_MS_CONFIG, 5);
    p.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 120_000);
    // The keyring first: without it the round cannot send a single acceptable order.
    this.signing = StackSecrets.fromEnv().orderSigning();
    this.producer = new KafkaProducer<>(p, new StringSerializer(), new ByteArraySerializer());
    this.topic = config.kafkaTopic();
    this.productBase = productBase;
    this.products = products;
    this.stockPerProduct = stockPerProduct;
    this.userBase = 7_000_000_000L + productBase * 10;
    this.users = users;
    this.couponBase = 6_000_000_000L + productBase * 10;
    this.rnd = new Random(seed);
    this.runTag = "cx" + productBase;
    this.apiProducts = Math.max(0, Math.min(products, apiProducts));
    this.buyers = this.apiProducts == 0 ? null
        : new ApiBuyers(config.apiUrls(apis), StackSecrets.fromEnv().buyerTokens(), 32);
  }

  /** Opens the sale of the API's products through the admin listener, with the operator token. */
  public void openApiSales(String adminUrl) throws Exception {
    if (apiProducts == 0) {
      return;
    }
    String ids = productBase + "-" + (productBase + apiProducts - 1);
    java.net.http.HttpClient http = java.net.http.HttpClient.newHttpClient();
    java.net.http.HttpResponse<String> r = http.send(java.net.http.HttpRequest.newBuilder(
            java.net.URI.create(adminUrl + "/api/v1/admin/sales/open-all?ids=" + ids))
        .header("Authorization", "Bearer " + StackSecrets.fromEnv().adminTokenValue())
        .timeout(java.time.Duration.ofSeconds(60)).POST(java.net.http.HttpRequest.BodyPublishers.noBody()).build(),
        java.net.http.HttpResponse.BodyHandlers.ofString());
    if (r.statusCode() != 200) {
      throw new IllegalStateException("opening the sales of products " + ids + " answered " + r.statusCode() + ": "
          + r.body());
    }
  }

  /** How many of the products are sold through the API. */
  public int apiProducts() {
    return apiProducts;
  }

  /** The API's buyers, or null when every order goes to Kafka. */
  ApiBuyers buyers() {
    return buyers;
  }

  /** The product ids of this load. */
  public ProductRange range() {
    return new ProductRange(productBase, productBase + products - 1);
  }

  /** Writes the products and one coupon per user (every other user) of this load. */
  public void writeFixtures(Connection db) throws Exception {
    try (PreparedStatement ps = db.prepareStatement("INSERT INTO seckill_product.product"
        + " (id, name, price_cents, initial_stock, available) VALUES (?, ?, ?, ?, ?)")) {
      for (int i = 0; i < products; i++) {
        ps.setLong(1, productBase + i);
        ps.setString(2, "chaos item " + (productBase + i));
        ps.setLong(3, price(productBase + i));
        ps.setLong(4, stockPerProduct);
        ps.setLong(5, stockPerProduct);
        ps.addBatch();
      }
      ps.executeBatch();
    }
    try (PreparedStatement ps = db.prepareStatement("INSERT INTO seckill_coupon.coupon"
        + " (id, user_id, status, discount_cents) VALUES (?, ?, 'UNUSED', ?)")) {
      for (int u = 0; u < users; u += 2) {
        ps.setLong(1, couponBase + u);
        ps.setLong(2, userBase + u);
        ps.setLong(3, DISCOUNT);
        ps.addBatch();
      }
      ps.executeBatch();
    }
  }

  private static long price(long productId) {
    return 1000 + 10 * (productId % 50);
  }

  /** Sends one seeded order: to the API for its products (null: the API gives the id), else to Kafka (its id). */
  public String sendOrder() throws InterruptedException {
    int u = rnd.nextInt(users);
    int index = rnd.nextInt(products);
    long product = productBase + index;
    int quantity = 1 + (rnd.nextInt(4) == 0 ? 1 : 0);
    // Users with an even index own a coupon; most of their orders use it, so repeat orders contend for it.
    long coupon = u % 2 == 0 && rnd.nextInt(3) > 0 ? couponBase + u : 0;
    if (index < apiProducts) {
      buyers.buy(userBase + u, product, quantity, coupon);
      return null;
    }
    long amount = price(product) * quantity - (coupon != 0 ? DISCOUNT : 0);
    String id = runTag + "-" + (++kafkaOrders);
    String requestedAt = Instant.now().toString();
    OrderMessage order = OrderMessage.newBuilder().setOrderId(id).setUserId(userBase + u).setProductId(product)
        .setQuantity(quantity).setCouponId(coupon).setAmountCents(amount).setRequestedAt(requestedAt).build();
    ProducerRecord<String, byte[]> record = new ProducerRecord<>(topic, id, OrderCodec.encode(order));
    OrderSigning.Signature sig = signing.sign(new OrderSigning.Content(id, userBase + u, product, quantity, coupon,
        amount, requestedAt));
    record.headers().add(OrderSigning.KEY_ID_HEADER, sig.keyId().getBytes(StandardCharsets.UTF_8));
    record.headers().add(OrderSigning.SIGNATURE_HEADER, sig.value().getBytes(StandardCharsets.UTF_8));
    producer.send(record);
    sent.add(record);
    sentIds.add(id);
    return id;
  }

  /** Re-produces {@code n} already-sent records, bytes and headers alike (a producer retry, a replayed batch). */
  public int duplicateBatch(int n) {
    if (sent.isEmpty()) {
      return 0;
    }
    int start = rnd.nextInt(sent.size());
    int count = 0;
    for (int i = 0; i < n; i++) {
      ProducerRecord<String, byte[]> r = sent.get((start + i) % sent.size());
      producer.send(new ProducerRecord<>(topic, null, r.key(), r.value(), r.headers()));
      count++;
    }
    duplicatesSent += count;
    return count;
  }

  /** Sends a burst of {@code n} malformed messages; none may become an order or block the partition. */
  public int poisonBurst(int n) {
    List<String> kinds = List.of("{not json", "", "{\"orderId\":\"bad id!\",\"userId\":1,\"productId\":1,\"quantity\":1,"
        + "\"couponId\":0,\"amountCents\":1000}", "{\"orderId\":\"" + runTag + "-p0\",\"userId\":1,\"productId\":"
        + productBase + ",\"quantity\":0,\"couponId\":0,\"amountCents\":1000}", "[1,2,3]", "{\"orderId\":\"" + runTag
        + "-pneg\",\"userId\":-5,\"productId\":" + productBase + ",\"quantity\":1,\"couponId\":0,\"amountCents\":1000}",
        "\u0000\u0001\u0002binary", "{\"orderId\":\"" + "x".repeat(80) + "\",\"userId\":1,\"productId\":1,\"quantity\":1}");
    for (int i = 0; i < n; i++) {
      byte[] bytes = kinds.get(i % kinds.size()).getBytes(StandardCharsets.UTF_8);
      producer.send(new ProducerRecord<>(topic, runTag + "-poison-" + i, bytes));
    }
    poisonSent += n;
    return n;
  }

  /** Blocks until everything sent so far is acknowledged, and every API request answered. */
  public void flush() throws InterruptedException {
    producer.flush();
    if (buyers != null) {
      buyers.await(java.time.Duration.ofMinutes(2));
    }
  }

  /** Ids of the valid orders sent to Kafka and of those the API admitted. */
  public Set<String> sentIds() {
    if (buyers == null) {
      return sentIds;
    }
    Set<String> all = new LinkedHashSet<>(sentIds);
    all.addAll(buyers.admitted());
    return all;
  }

  /** Valid orders sent straight to Kafka. */
  public int kafkaOrders() {
    return kafkaOrders;
  }

  /** Malformed messages sent. */
  public int poisonSent() {
    return poisonSent;
  }

  /** Duplicate messages sent. */
  public int duplicatesSent() {
    return duplicatesSent;
  }

  /** Stock of all the load's products together. */
  public long totalStock() {
    return stockPerProduct * products;
  }

  @Override
  public void close() {
    producer.close(java.time.Duration.ofSeconds(10));
  }

  /** Waits {@code millis} without being cut short by an interrupt (the load thread paces itself with it). */
  static void pace(long millis) throws InterruptedException {
    TimeUnit.MILLISECONDS.sleep(millis);
  }
}
