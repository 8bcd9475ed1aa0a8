package io.seckill.load;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class PercentilesTest {

  @Test
  void nearestRankOnOneToHundred() {
    long[] v = new long[100];
    for (int i = 0; i < 100; i++) {
      v[i] = i + 1;
    }
    assertEquals(50, Percentiles.nearestRank(v, 0.50));
    assertEquals(95, Percentiles.nearestRank(v, 0.95), "0.95 * 100 must not round up to rank 96");
    assertEquals(99, Percentiles.nearestRank(v, 0.99));
    assertEquals(100, Percentiles.nearestRank(v, 1.0));
    assertEquals(1, Percentiles.nearestRank(v, 0.001));
  }

  @Test
  void smallSetsTakeTheNextSampleUp() {
    long[] v = {10, 20, 30, 40};
    assertEquals(20, Percentiles.nearestRank(v, 0.5));
    assertEquals(40, Percentiles.nearestRank(v, 0.95));
    assertEquals(7, Percentiles.nearestRank(new long[] {7}, 0.99));
  }

  @Test
  void summarizeSortsAndAverages() {
    Percentiles.Summary s = Percentiles.summarize(new long[] {900, 100, 300, 200, 500});
    assertEquals(5, s.count());
    assertEquals(300, s.p50());
    assertEquals(900, s.p95());
    assertEquals(900, s.p99());
    assertEquals(900, s.max());
    assertEquals(400, s.mean(), 1e-9);
    assertEquals(Percentiles.Summary.EMPTY, Percentiles.summarize(new long[0]));
  }

  @Test
  void aLongTailShowsInP99NotP50() {
    long[] v = new long[1000];
    for (int i = 0; i < 1000; i++) {
      v[i] = i < 985 ? 10 : 5000;
    }
    Percentiles.Summary s = Percentiles.summarize(v);
    assertEquals(10, s.p50());
    assertEquals(10, s.p95());
    assertEquals(5000, s.p99());
  }

  @Test
  void medianOfOddAndEvenCounts() {
    assertEquals(3.0, Percentiles.median(List.of(5.0, 1.0, 3.0)));
    assertEquals(2.5, Percentiles.median(List.of(4.0, 1.0, 3.0, 2.0)));
    assertTrue(Double.isNaN(Percentiles.median(List.of())));
  }

  @Test
  void refusesNonsense() {
    assertThrows(IllegalArgumentException.class, () -> Percentiles.nearestRank(new long[0], 0.5));
    assertThrows(IllegalArgumentException.class, () -> Percentiles.nearestRank(new long[] {1}, 0));
    assertThrows(IllegalArgumentException.class, () -> Percentiles.nearestRank(new long[] {1}, 1.5));
  }
}
