package io.seckill.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

class DashboardTest {

  private static final String CONSUMER = """
      # HELP seckill_consumer_orders_total Orders finished, by outcome.
      # TYPE seckill_consumer_orders_total counter
      seckill_consumer_orders_total{outcome="confirmed"} %d.0
      seckill_consumer_orders_total{outcome="already_confirmed"} 2.0
      seckill_consumer_orders_total{outcome="refused"} %d.0
      seckill_consumer_orders_total{outcome="try_failed"} 1.0
      seckill_consumer_order_latency_seconds_bucket{le="0.1"} %d
      seckill_consumer_order_latency_seconds_bucket{le="0.25"} %d
      seckill_consumer_order_latency_seconds_bucket{le="+Inf"} %d
      seckill_consumer_order_latency_seconds_count %d
      seckill_consumer_lag_records_sum %d.0
      """;

  private static final String DTM = """
      # TYPE dtm_transaction_process_total counter
      dtm_transaction_process_total{model="tcc",status="ok"} %d
      dtm_transaction_process_total{model="tcc",status="fail"} 3
      dtm_transaction_process_total{model="saga",status="ok"} 1
      dtm_server_process_total{api="submit",status="ok",type="grpc"} 999
      """;

  private static Dashboard.Raw raw(long at, int confirmed, int refused, int[] buckets, int lag, int tccOk,
      double admitted) {
    return Dashboard.raw(at, Map.of("admitted", admitted, "sold_out", 1.0),
        CONSUMER.formatted(confirmed, refused, buckets[0], buckets[1], buckets[2], buckets[2], lag),
        DTM.formatted(tccOk));
  }

  @Test
  void aSampleAddsConfirmedKindsTogetherAndEveryOtherOutcomeIsACancellation() {
    Dashboard.Raw r = raw(1000, 10, 4, new int[] {1, 2, 3}, 7, 12, 20);
    assertEquals(12, r.confirmed());
    assertEquals(5, r.cancelled());
    assertEquals(7, r.lag());
    assertEquals(Map.of("tcc ok", 12.0, "tcc fail", 3.0, "saga ok", 1.0), r.dtm());
    assertEquals(3.0, r.latencyBuckets().get(Double.POSITIVE_INFINITY));
  }

  @Test
  void aPartThatDidNotAnswerLeavesItsFiguresOutAndTheLagUnknown() {
    Dashboard.Raw r = Dashboard.raw(1000, Map.of(), null, null);
    assertEquals(-1, r.lag());
    assertEquals(0, r.confirmed());
    assertTrue(r.dtm().isEmpty());
  }

  @Test
  void ratesAreDeltasOverTheWindowAndTheLatencyQuantilesComeFromTheWindowsBuckets() {
    Dashboard.Raw a = raw(10_000, 100, 10, new int[] {50, 90, 100}, 5, 100, 200);
    // 5 s later: 50 more confirmed, 10 more refused; of the 60 new outcomes 30 took <= 100 ms, 60 <= 250 ms.
    Dashboard.Raw b = raw(15_000, 150, 20, new int[] {80, 150, 160}, 9, 160, 300);
    Dashboard.Point p = Dashboard.point(a, b);
    assertNotNull(p);
    assertEquals(10.0, p.confirmedPerSecond(), 1e-9);
    assertEquals(2.0, p.cancelledPerSecond(), 1e-9);
    assertEquals(20.0, p.admissionsPerSecond().get("admitted"), 1e-9);
    assertEquals(0.0, p.admissionsPerSecond().get("sold_out"), 1e-9);
    assertEquals(12.0, p.dtmPerSecond().get("tcc ok"), 1e-9);
    assertEquals(9, p.lag());
    // Rank 30 of 60 is the last of the <= 100 ms bucket; rank 59.4 is 98% into the 100-250 ms bucket.
    assertEquals(100.0, p.p50Ms(), 1e-6);
    assertEquals(100 + 150 * (59.4 - 30) / 30, p.p99Ms(), 1e-6);
  }

  @Test
  void aRestartedPartsCountersCountFromZeroInsteadOfGoingNegative() {
    Dashboard.Raw before = raw(0, 500, 0, new int[] {10, 10, 10}, 0, 500, 0);
    Dashboard.Raw after = raw(2_000, 8, 0, new int[] {4, 4, 4}, 0, 6, 0);
    Dashboard.Point p = Dashboard.point(before, after);
    assertEquals((8 + 2) / 2.0, p.confirmedPerSecond(), 1e-9, "the restarted counter's 8 + already_confirmed unchanged");
    assertEquals(3.0, p.dtmPerSecond().get("tcc ok"), 1e-9);
    assertEquals(0.0, p.dtmPerSecond().get("tcc fail"), 1e-9);
  }

  @Test
  void oneSampleMakesNoPointAndAnEmptyWindowHasNoLatency() {
    Dashboard.Raw a = raw(1000, 1, 0, new int[] {1, 1, 1}, 0, 1, 0);
    assertNull(Dashboard.point(a, a));
    assertNull(Dashboard.point(null, a));
    Dashboard.Point idle = Dashboard.point(a, raw(2000, 1, 0, new int[] {1, 1, 1}, 0, 1, 0));
    assertNull(idle.p50Ms());
    assertNull(idle.p99Ms());
  }

  @Test
  void theSlowestQuantileInTheUnboundedBucketIsTheHighestFiniteBound() {
    TreeMap<Double, Double> b = new TreeMap<>(Map.of(0.1, 1.0, 1.0, 2.0, Double.POSITIVE_INFINITY, 10.0));
    assertEquals(1000.0, Dashboard.quantileMs(b, 0.99), 1e-9);
    assertEquals(25.0, Dashboard.quantileMs(new TreeMap<>(Map.of(0.1, 2.0, Double.POSITIVE_INFINITY, 2.0)), 0.25), 1e-9);
  }

  @Test
  void theMetricsTextReaderKeepsLabelsWithEscapesAndSkipsWhatIsNoSample() {
    List<MetricsText.Sample> s = MetricsText.parse("""
        # HELP x help
        x_total{a="1",b="say \\"hi\\"\\\\"} 3.5 1700000000
        y 4
        not a sample line {
        z{broken="1} 2
        """);
    assertEquals(2, s.size(), s.toString());
    assertEquals("x_total", s.get(0).name());
    assertEquals("say \"hi\"\\", s.get(0).label("b"));
    assertEquals(3.5, s.get(0).value());
    assertEquals(4.0, s.get(1).value());
    assertEquals(1, MetricsText.parse("x_total 1\ny 2\n", "y").size());
  }

  @Test
  void thePageAndItsChartLibraryAreServedFromTheJarUnderAStrictPolicy() {
    DashboardAssets assets = new DashboardAssets();
    assertEquals(List.of("index.html", "dashboard.js", "dashboard.css", "uPlot.iife.min.js", "uPlot.min.css"),
        List.copyOf(assets.names()));
    assertTrue(DashboardAssets.CSP.contains("script-src 'self'"), DashboardAssets.CSP);
    assertTrue(!DashboardAssets.CSP.contains("unsafe-inline"), DashboardAssets.CSP);
  }
}
