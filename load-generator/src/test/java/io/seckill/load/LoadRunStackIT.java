package io.seckill.load;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/**
 * A real kafka-mode run against the local stack (`./seckill up`): valid orders must all end
 * CONFIRMED and every bad message must reach the DLQ with a reason. Skipped when the stack's
 * consumer is not listening.
 */
class LoadRunStackIT {

  private static boolean listening(int port) {
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress("127.0.0.1", port), 500);
      return true;
    } catch (java.io.IOException e) {
      return false;
    }
  }

  @Test
  void validOrdersConfirmAndBadOnesLandInTheDlq() throws Exception {
    Endpoints e = Endpoints.fromEnv(System.getenv());
    int consumer = Integer.parseInt(System.getenv().getOrDefault("SECKILL_CONSUMER_METRICS_PORT", "9100"));
    assertTrue(listening(consumer) && listening(e.dbPort()),
        "the local stack is needed: seckill-consumer :" + consumer + " and MariaDB :" + e.dbPort() + " (./seckill up)");
    LoadOptions o = LoadOptions.parse("--count", "40", "--products", "4", "--stock-per-product", "100",
        "--coupon-share", "0.5", "--bad-fraction", "0.5", "--seed", "11", "--quiet", "--wait-seconds", "120");
    ByteArrayOutputStream log = new ByteArrayOutputStream();
    RunSummary s = new LoadRun(o, e, new PrintStream(log, true, StandardCharsets.UTF_8)).run();
    String why = s.render() + "\n" + log.toString(StandardCharsets.UTF_8);
    assertEquals(40, s.accepted(), why);
    assertEquals(40, s.confirmed(), why);
    assertEquals(0, s.cancelled(), why);
    assertEquals(20, s.badSent(), why);
    assertEquals(20, s.deadLettered(), why);
    assertEquals(0, s.validInDeadLetters(), why);
    assertTrue(s.deadLetterReasons().keySet().containsAll(java.util.Set.of("NOT_JSON", "OVERSIZED", "NOT_UTF8",
        "BAD_ORDER_ID", "MISSING_FIELD", "WRONG_TYPE", "QUANTITY_OUT_OF_RANGE")), why);
    assertTrue(s.complete(), why);
    assertTrue(s.latencyConfirmedMs().p50() > 0 && s.latencyConfirmedMs().p99() >= s.latencyConfirmedMs().p50(), why);
    assertEquals(40, s.confirmedTimeline().stream().mapToLong(Long::longValue).sum(), why);
  }
}
