package io.seckill.verify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.seckill.auth.ProviderSignature;
import io.seckill.auth.StackSecrets;
import io.seckill.verify.Snapshot.Order;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
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
class PaymentExpiryRaceIT {
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
      try (PaymentRace race = new PaymentRace(config.apiUrl(), provider, Duration.ofSeconds(180))) {
        long[] pulled = PaymentRace.pullDeadlines(db, load.range(), Duration.ofSeconds(4));
        assertEquals(confirmed.size(), pulled[1]);
        race.pay(confirmed, pulled[0], SPREAD, new Random(productBase ^ System.nanoTime()));
        StackControl stack = new StackControl(StackControl.findRoot());
        if (chaos) {
          Thread.sleep(Math.max(0, pulled[0] - System.currentTimeMillis() - 500));
          assertTrue(stack.kill("pay-rpc"), "pay-rpc was not running");
          Thread.sleep(1_000);
          assertTrue(stack.kill("seckill-api"), "seckill-api was not running");
          Thread.sleep(1_500);
          stack.start("pay-rpc");
          stack.start("seckill-api");
        }
        Map<String, Integer> outcomes = race.await(Duration.ofSeconds(240));

        Verifier.Result after = verifier.verify(load.range(), load.sentIds(), 180);
        assertTrue(after.passed(), report(after));
        PaymentRace.Tally t = race.tally(after.snapshot());
        String counts = "paid " + t.paid() + ", expired " + t.expired() + ", callback outcomes " + outcomes;
        System.out.println("[race] " + confirmed.size() + " orders: " + counts);
        assertEquals(List.of(), t.problems(), counts);
        assertEquals(confirmed.size(), t.paid() + t.expired(), counts);
        // The spread straddles the deadline: both sides of the race must really have happened. With
        // the API (expirer and callback receiver) killed across the deadline, how many expire depends
        // on which comes back first after the restart (observed 10-29 of ~265), so that run needs
        // each side to have happened at all. The calm one needs 5% of each (observed 96-145
        // expiries of ~885: fewer since a callback whose own saga settled it no longer re-reads).
        int floor = chaos ? 0 : confirmed.size() / 20;
        assertTrue(t.paid() > floor && t.expired() > floor, counts + ", each side must exceed " + floor);
        assertEquals(Set.of(), outcomes.keySet().stream().filter(k -> !Set.of("PAID", "REFUND_PENDING").contains(k))
            .collect(Collectors.toSet()), counts);
        assertStockBack(db, load.range(), t.paidUnits());
      }
    }
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
