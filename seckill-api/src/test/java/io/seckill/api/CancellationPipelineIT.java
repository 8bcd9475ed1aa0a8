package io.seckill.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;

/**
 * The whole pipeline: an order whose coupon is refused ends CANCELLED, and the reconciler gives its
 * slot and the buyer's mark back, so the same buyer can then buy the last unit.
 */
class CancellationPipelineIT {
  private static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void aCancelledOrderGivesItsSlotAndMarkBack() throws Exception {
    assertTrue(TestStack.reachable(TestStack.REDIS_PORT) && TestStack.reachable(TestStack.KAFKA_PORT)
        && TestStack.reachable(TestStack.ORDER_PORT) && TestStack.reachable(TestStack.PRODUCT_PORT)
        && TestStack.reachable(TestStack.DB_PORT), "the local stack and its services are not running");
    assertTrue(TestStack.consumerRunning(), "seckill-consumer is not running");
    long product = TestStack.testProductId();
    long coupon = product; // own coupon id in the tests' range, owned by somebody else
    long buyer = 7_000_001;
    List<String> orderIds = new ArrayList<>();
    try (Connection db = TestStack.db()) {
      exec(db, "INSERT INTO seckill_product.product (id, name, price_cents, initial_stock, available) "
          + "VALUES (?, 'seckill-api cancel test', 1000, 1, 1)", product);
      exec(db, "INSERT INTO seckill_coupon.coupon (id, user_id, status, discount_cents) VALUES (?, 1, 'UNUSED', 300)",
          coupon);
      try (ApiServer server = ApiServer.start(TestStack.config(Map.of(ApiConfig.KAFKA_TOPIC.name(), "seckill.orders",
          ApiConfig.COUPON_SOURCE.name(), "grpc", ApiConfig.RECONCILE_INTERVAL_MS.name(), "300",
          ApiConfig.RECONCILE_MIN_AGE_MS.name(), "0")))) {
        int port = server.port();
        assertEquals(404, TestStack.adminPost(server.adminPort(), "/api/v1/admin/sales/" + (product + 1) + "/open").statusCode(),
            "product-rpc does not know it");
        assertEquals(200, TestStack.adminPost(server.adminPort(), "/api/v1/admin/sales/" + product + "/open").statusCode());

        HttpResponse<String> first = TestStack.admit(port, buyer, product, 1, coupon);
        assertEquals(202, first.statusCode(), first.body());
        String cancelled = JSON.readTree(first.body()).get("orderId").asText();
        orderIds.add(cancelled);
        assertEquals(409, TestStack.admit(port, buyer + 1, product, 1, 0)
            .statusCode(), "the only unit is taken");

        JsonNode order = waitForFinal(port, buyer, cancelled);
        assertEquals("CANCELLED", order.get("status").asText(), order.toString());
        assertFalse(order.get("reason").asText().isEmpty(), "a cancelled order says why");
        assertEquals(700, order.get("amountCents").asLong(), "price 1000 minus the coupon's 300, from coupon-rpc");
        assertEquals(404, TestStack.getOrder(port, buyer + 1, cancelled).statusCode(), "another buyer's order is not found");
        waitUntil(() -> server.store().sale(product).orElseThrow().left() == 1, "the slot comes back");
        assertEquals('C', server.store().record(cancelled).orElseThrow().state());

        HttpResponse<String> again = TestStack.admit(port, buyer, product, 1, 0);
        assertEquals(202, again.statusCode(), "the buyer's mark came back too: " + again.body());
        String confirmed = JSON.readTree(again.body()).get("orderId").asText();
        orderIds.add(confirmed);
        JsonNode second = waitForFinal(port, buyer, confirmed);
        assertEquals("AWAITING_PAYMENT", second.get("status").asText(), second.toString());
        assertEquals(1000, second.get("amountCents").asLong());
        waitUntil(() -> server.store().record(confirmed).orElseThrow().state() == 'F', "the admission is final");
        assertEquals(0, server.store().sale(product).orElseThrow().left());
      }
    } finally {
      try (Connection db = TestStack.db()) {
        for (String id : orderIds) {
          execQuietly(db, "DELETE FROM seckill_pay.payment WHERE order_id = ?", id);
        }
        exec(db, "DELETE FROM seckill_order.orders WHERE product_id = ?", product);
        exec(db, "DELETE FROM seckill_coupon.coupon WHERE id = ?", coupon);
        exec(db, "DELETE FROM seckill_product.product WHERE id = ?", product);
      }
      try (var redis = new AutoCloseableRedis()) {
        TestStack.cleanRedis(redis.client, product);
      }
    }
  }

  private static JsonNode waitForFinal(int port, long buyer, String orderId) throws Exception {
    long deadline = System.currentTimeMillis() + 180_000;
    JsonNode last = null;
    while (System.currentTimeMillis() < deadline) {
      HttpResponse<String> g = TestStack.getOrder(port, buyer, orderId);
      if (g.statusCode() == 200) {
        last = JSON.readTree(g.body());
        String s = last.get("status").asText();
        if (s.equals("AWAITING_PAYMENT") || s.equals("CANCELLED")) {
          return last;
        }
      }
      Thread.sleep(500);
    }
    throw new AssertionError("order " + orderId + " not final in time: " + last);
  }

  private static void waitUntil(BooleanSupplier condition, String what) throws InterruptedException {
    long deadline = System.currentTimeMillis() + 30_000;
    while (!condition.getAsBoolean()) {
      assertTrue(System.currentTimeMillis() < deadline, what + " did not happen in time");
      Thread.sleep(200);
    }
  }

  private static void exec(Connection db, String sql, Object arg) throws Exception {
    try (PreparedStatement ps = db.prepareStatement(sql)) {
      ps.setObject(1, arg);
      ps.executeUpdate();
    }
  }

  private static void execQuietly(Connection db, String sql, Object arg) {
    try {
      exec(db, sql, arg);
    } catch (Exception e) {
      // optional cleanup of another service's table
    }
  }

  private static final class AutoCloseableRedis implements AutoCloseable {
    final org.redisson.api.RedissonClient client = TestStack.redis();

    @Override
    public void close() {
      client.shutdown();
    }
  }
}
