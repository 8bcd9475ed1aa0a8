package io.seckill.load.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;

class DtmCeilingTest {

  @Test
  void boundAddsTheTwoCostsPerTransaction() {
    // 1/400 s of DTM plus 1/600 s of business work per order: 240 orders/s at best.
    assertEquals(240, DtmCeiling.bound(400, 600), 1e-9);
    assertEquals(50, DtmCeiling.bound(100, 100), 1e-9);
    assertEquals(0, DtmCeiling.bound(0, 600), "no ceiling, no bound");
    assertEquals(0, DtmCeiling.bound(400, 0), "no baseline, no bound");
  }

  @Test
  void boundRatioIsPipelineOverBound() {
    assertEquals(0.5, DtmCeiling.boundRatio(120, 240), 1e-9);
    assertEquals(0, DtmCeiling.boundRatio(120, 0));
  }

  @Test
  void bestConcurrencyIsTheFastestProbeAndTheSmallerLevelOnATie() {
    assertEquals(64, DtmCeiling.bestInFlight(List.of(new DtmCeiling.Probe(16, 300), new DtmCeiling.Probe(32, 410),
        new DtmCeiling.Probe(64, 450), new DtmCeiling.Probe(128, 430))));
    assertEquals(32, DtmCeiling.bestInFlight(List.of(new DtmCeiling.Probe(64, 450), new DtmCeiling.Probe(32, 450))));
    assertEquals(16, DtmCeiling.bestInFlight(List.of(new DtmCeiling.Probe(16, 0))));
    assertThrows(IllegalArgumentException.class, () -> DtmCeiling.bestInFlight(List.of()));
  }
}
