package io.seckill.verify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.seckill.auth.ProviderSignature;
import io.seckill.auth.StackSecrets;
import io.seckill.verify.Snapshot.Order;
import io.seckill.verify.Snapshot.Payment;
import io.seckill.verify.Snapshot.Refund;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Payments racing expiries at the deadline, on the real stack: orders go through the whole TCC,
 * their deadlines are pulled to a few seconds from now, and each buyer's successful payment callback
 * lands somewhere between 1.5 s before and 1.5 s after its deadline, while the expirer works. Every
 * order must end PAID or EXPIRED, never both; a payment that lost the race must be a refund; and
 * every invariant of the verifier must hold. The second case does it while pay-rpc and the API
 * (which runs the expirer) are killed and restarted.
 */
class PaymentExpiryRaceTest {
  private static final Duration SPREAD = Duration.ofMillis(1_500);

  @Test
  @Timeout(420)
  void aThousandPaymentsRaceTheirDeadlines() throws Exception {
    race(1_000, 9_100_000L + (System.currentTimeMillis() / 1000) % 10_000 * 20, false);
  }

  @Test
  @Timeout(420)
  void theRaceHoldsWhilePayRpcAndTheExpirerAreKilled() throws Exception {
    race(300, 9_400_000L + (System.currentTimeMillis() / 1000) % 10_000 * 20, true);
  }

  private void race(int orders, long productBase, boolean chaos) throws Exception {
    VerifierConfig config = VerifierConfig.load();
    ProviderSignature provider = StackSecrets.fromEnv().providerSignature();
    String api = System.getenv().getOrDefault("SECKILL_API_URL",
        "http://127.0.0.1:" + System.getenv().getOrDefault("SECKILL_API_PORT", "8080"));
    try (StackReader reader = new StackReader(config);
         ChaosLoad load = new ChaosLoad(config, productBase, 10, orders, orders, 42)) {
      Connection db = reader.databases().jdbc();
      load.writeFixtures(db);
      for (int i = 0; i < orders; i++) {
        load.sendOrder();
      }
      load.flush();
      Verifier verifier = new Verifier(reader, 10, config.pollMillis());
      Verifier.Result settled = verifier.verify(load.range(), load.sentIds(), 180);
      assertTrue(settled.passed(), report(settled));
      List<Order> confirmed = reader.databases().orders(load.range()).stream().filter(Order::confirmed).toList();
      assertTrue(confirmed.size() > orders / 2, "too few orders confirmed to race: " + confirmed.size());

      // Every deadline a few seconds from now; each callback lands within SPREAD of its deadline.
      try (PreparedStatement ps = db.prepareStatement("UPDATE seckill_order.orders SET pay_deadline ="
          + " NOW(3) + INTERVAL 4 SECOND WHERE product_id BETWEEN ? AND ? AND status = 'CONFIRMED'")) {
        ps.setLong(1, load.range().from());
        ps.setLong(2, load.range().to());
        assertEquals(confirmed.size(), ps.executeUpdate());
      }
      long deadline = System.currentTimeMillis() + 4_000;
      // Provider transaction ids are unique across runs (they are the payment sagas' gids in DTM).
      Random rnd = new Random(productBase ^ System.nanoTime());
      Map<String, String> txnOf = new ConcurrentHashMap<>();
      Map<String, AtomicInteger> outcomes = new ConcurrentHashMap<>();
      HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
      ScheduledExecutorService timer = Executors.newScheduledThreadPool(32);
      for (Order o : confirmed) {
        String txn = "race-" + Long.toHexString(rnd.nextLong()) + Long.toHexString(rnd.nextLong());
        txnOf.put(o.orderId(), txn);
        long at = deadline - SPREAD.toMillis() + (long) (rnd.nextDouble() * 2 * SPREAD.toMillis());
        timer.schedule(() -> deliver(http, api, provider, o, txn, outcomes),
            Math.max(0, at - System.currentTimeMillis()), TimeUnit.MILLISECONDS);
      }
      StackControl stack = new StackControl(StackControl.findRoot());
      if (chaos) {
        Thread.sleep(Math.max(0, deadline - System.currentTimeMillis() - 500));
        assertTrue(stack.kill("pay-rpc"), "pay-rpc was not running");
        Thread.sleep(1_000);
        assertTrue(stack.kill("seckill-api"), "seckill-api was not running");
        Thread.sleep(1_500);
        stack.start("pay-rpc");
        stack.start("seckill-api");
      }
      timer.shutdown();
      assertTrue(timer.awaitTermination(240, TimeUnit.SECONDS), "callbacks still being delivered");

      Verifier.Result after = verifier.verify(load.range(), load.sentIds(), 180);
      assertTrue(after.passed(), report(after));
      Snapshot s = after.snapshot();
      Map<String, Payment> payments = s.payments().stream().collect(Collectors.toMap(Payment::orderId, p -> p));
      Map<String, List<Refund>> refunds = new HashMap<>();
      s.lifecycle().refunds().forEach(r -> refunds.computeIfAbsent(r.orderId(), k -> new ArrayList<>()).add(r));
      int paid = 0;
      int paidUnits = 0;
      int expired = 0;
      for (Order o : s.orders()) {
        String txn = txnOf.get(o.orderId());
        if (txn == null) {
          continue;
        }
        switch (o.status()) {
          case "PAID" -> {
            paid++;
            paidUnits += o.quantity();
            assertEquals(txn, payments.get(o.orderId()).providerTxnId(), o.orderId() + " paid by another txn");
            assertTrue(!refunds.containsKey(o.orderId()), o.orderId() + " is PAID and refunded");
          }
          case "EXPIRED" -> {
            expired++;
            List<Refund> r = refunds.getOrDefault(o.orderId(), List.of());
            assertEquals(List.of(txn), r.stream().map(Refund::providerTxnId).toList(),
                o.orderId() + ": a successful payment that lost to the expiry must be exactly one refund");
            assertEquals("LATE_PAYMENT", r.get(0).reason());
          }
          default -> throw new AssertionError(o.orderId() + " ended " + o.status() + ", neither PAID nor EXPIRED");
        }
      }
      String counts = "paid " + paid + ", expired " + expired + ", callback outcomes " + outcomes;
      System.out.println("[race] " + confirmed.size() + " orders: " + counts);
      assertEquals(confirmed.size(), paid + expired, counts);
      // The spread straddles the deadline: both sides of the race must really have happened.
      assertTrue(paid > confirmed.size() / 10 && expired > confirmed.size() / 10, counts);
      assertEquals(Set.of(), outcomes.keySet().stream().filter(k -> !Set.of("PAID", "REFUND_PENDING").contains(k))
          .collect(Collectors.toSet()), counts);
      assertStockBack(db, load.range(), paidUnits);
    }
  }

  /**
   * Sends the provider's callback like a real provider: signed, retried until it is answered 200
   * with a final outcome (the API or pay-rpc may be down, or the saga still running).
   */
  private static void deliver(HttpClient http, String api, ProviderSignature provider, Order o, String txn,
      Map<String, AtomicInteger> outcomes) {
    byte[] body = ("{\"providerTxnId\":\"" + txn + "\",\"orderId\":\"" + o.orderId() + "\",\"amountCents\":"
        + o.amountCents() + ",\"status\":\"SUCCEEDED\"}").getBytes(StandardCharsets.UTF_8);
    long end = System.nanoTime() + Duration.ofSeconds(180).toNanos();
    String last = "never sent";
    while (System.nanoTime() < end) {
      try {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(api + "/api/v1/payments/callback"))
            .timeout(Duration.ofSeconds(20)).header("Content-Type", "application/json")
            .header(ProviderSignature.HEADER, provider.sign(Instant.now().getEpochSecond(), body))
            .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(), HttpResponse.BodyHandlers.ofString());
        last = r.statusCode() + " " + r.body();
        if (r.statusCode() == 200 && !r.body().contains("PROCESSING")) {
          String outcome = r.body().replaceAll(".*\"outcome\"\\s*:\\s*\"([A-Z_]+)\".*", "$1");
          outcomes.computeIfAbsent(outcome, k -> new AtomicInteger()).incrementAndGet();
          return;
        }
      } catch (Exception e) {
        last = e.toString();
      }
      try {
        Thread.sleep(500);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
    outcomes.computeIfAbsent("UNDELIVERED " + last, k -> new AtomicInteger()).incrementAndGet();
  }

  private static void assertStockBack(Connection db, ProductRange range, int paidUnits) throws Exception {
    try (PreparedStatement ps = db.prepareStatement("SELECT SUM(sold), SUM(frozen), SUM(initial_stock - available)"
        + " FROM seckill_product.product WHERE id BETWEEN ? AND ?")) {
      ps.setLong(1, range.from());
      ps.setLong(2, range.to());
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        assertEquals(paidUnits, rs.getLong(1), "sold units = units of the paid orders: expired units came back");
        assertEquals(0, rs.getLong(2));
        assertEquals(paidUnits, rs.getLong(3));
      }
    }
  }

  private static String report(Verifier.Result r) {
    ByteArrayOutputStream buf = new ByteArrayOutputStream();
    try (PrintStream out = new PrintStream(buf, true, StandardCharsets.UTF_8)) {
      Verifier.print(r, out);
    }
    return buf.toString(StandardCharsets.UTF_8);
  }
}
