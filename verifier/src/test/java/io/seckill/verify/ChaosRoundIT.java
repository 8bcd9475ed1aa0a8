package io.seckill.verify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A short seeded chaos round against the real stack (./seckill up): 300 orders into Kafka while a
 * branch and the consumer are killed and restarted, a branch is stopped past DTM's request timeout,
 * a batch is delivered twice and poison arrives; then every invariant must hold for its products.
 * Then half the buyers pay around a pulled-in deadline while pay-rpc and the API (the expirer) are
 * killed, the rest expire, and every invariant must hold again.
 */
class ChaosRoundIT {
  @Test
  @Timeout(540)
  void shortSeededRoundEndsWithoutViolations() throws Exception {
    VerifierConfig config = VerifierConfig.load();
    List<Fault> faults = ChaosMain.parseFaults("kill:product-rpc,slow:pay-rpc,duplicate,kill:seckill-consumer,poison");
    List<Fault> lifecycleFaults = ChaosMain.parseFaults("kill:pay-rpc,kill:seckill-api");
    ChaosRun.Options o = new ChaosRun.Options(1, 300, 20_261_121L, 0, faults, 30, 6, 30, 200, 150, 5000, 40, 15, 20,
        0.5, 0, lifecycleFaults, 0.5);
    ByteArrayOutputStream buf = new ByteArrayOutputStream();
    List<ChaosRun.RoundReport> reports;
    try (PrintStream out = new PrintStream(buf, true, StandardCharsets.UTF_8)) {
      reports = new ChaosRun(config, new StackControl(StackControl.findRoot()), o).run(out);
    }
    String report = buf.toString(StandardCharsets.UTF_8);
    System.out.println(report);
    ChaosRun.RoundReport r = reports.get(0);
    assertEquals(300, r.ordersSent());
    assertEquals(5, r.faults().size());
    assertTrue(r.faults().stream().allMatch(f -> f.error() == null), report);
    assertTrue(r.verify().quiet(), report);
    assertEquals(List.of(), r.verify().violations(), report);
    // Demand exceeds stock (6 x 30 units), so the run must have sold out and refused as well as confirmed.
    assertTrue(r.unitsSold() > 0 && r.unitsSold() <= 180, report);
    // Half the products are sold through the API: its buyers got answers, some admitted, none told
    // "failed" while holding a confirmed order; every Kafka order and every admitted one ended final.
    assertEquals(3, r.apiProducts(), report);
    assertTrue(r.apiAnswers().getOrDefault("202", 0) > 0, report);
    assertEquals(List.of(), r.apiProblems(), report);
    int admitted = r.apiAnswers().getOrDefault("202", 0);
    int requests = r.apiAnswers().values().stream().mapToInt(Integer::intValue).sum();
    assertEquals(300 - requests + admitted, r.outcomes().values().stream().mapToInt(Integer::intValue).sum(), report);
    // After the TCC: half the buyers pay around the pulled-in deadline while pay-rpc and the expirer
    // are killed; every paid order ends PAID (or EXPIRED with its refund), every other one EXPIRED.
    ChaosRun.LifecycleReport l = r.lifecycle();
    assertTrue(l != null && l.awaiting() > 0 && l.paying() > 0, report);
    assertTrue(l.faults().stream().allMatch(f -> f.error() == null), report);
    assertEquals(List.of(), l.tally().problems(), report);
    assertEquals(l.paying(), l.tally().paid() + l.tally().expired(), report);
    assertEquals(l.awaiting(), l.statuses().getOrDefault("PAID", 0) + l.statuses().getOrDefault("EXPIRED", 0), report);
    assertTrue(l.statuses().getOrDefault("PAID", 0) > 0 && l.statuses().getOrDefault("EXPIRED", 0) > 0, report);
    assertEquals(l.tally().expired(), l.refunds(), report);
    assertEquals(List.of(), l.verify().violations(), report);
    assertEquals(0, r.violations(), report);
  }
}
