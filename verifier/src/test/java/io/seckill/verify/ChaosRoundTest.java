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
 */
class ChaosRoundTest {
  @Test
  @Timeout(300)
  void shortSeededRoundEndsWithoutViolations() throws Exception {
    VerifierConfig config = VerifierConfig.load();
    List<Fault> faults = ChaosMain.parseFaults("kill:product-rpc,slow:pay-rpc,duplicate,kill:seckill-consumer,poison");
    ChaosRun.Options o = new ChaosRun.Options(1, 300, 20_261_121L, 0, faults, 30, 6, 30, 200, 150, 5000, 40, 15, 20);
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
    assertEquals(300, r.outcomes().values().stream().mapToInt(Integer::intValue).sum(), report);
  }
}
