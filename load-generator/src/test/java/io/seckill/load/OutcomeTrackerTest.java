package io.seckill.load;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.api.Test;

class OutcomeTrackerTest {

  @Test
  void recordsEachOrderOnceWithItsLatency() {
    OutcomeTracker t = new OutcomeTracker();
    t.register("r-1", 1_000);
    t.register("r-2", 1_100);
    assertEquals(2, t.pendingCount());
    assertTrue(t.record("r-1", "CONFIRMED", "", 1_250));
    assertFalse(t.record("r-1", "CONFIRMED", "", 1_300), "a second sighting is not a second order");
    assertFalse(t.record("other-run-1", "CONFIRMED", "", 1_300), "orders not sent by this run are ignored");
    assertTrue(t.record("r-2", "CANCELLED", "product 1000017: available 0 < 1", 1_600));
    assertEquals(0, t.pendingCount());
    assertEquals(1, t.confirmed());
    assertEquals(1, t.cancelled());
    assertEquals(Map.of("product #: available # < #", 1L), t.cancelReasons());
    assertArrayEquals(new long[] {1_250, 250, 1}, t.finals().get(0));
    assertArrayEquals(new long[] {1_600, 500, 0}, t.finals().get(1));
  }

  @Test
  void reasonsFoldDigitsAndStayShort() {
    assertEquals("(none)", OutcomeTracker.foldReason(""));
    assertEquals("(none)", OutcomeTracker.foldReason(null));
    assertEquals("user # already holds order L#-#", OutcomeTracker.foldReason(" user 12 already holds order L9-3 "));
    assertEquals(100, OutcomeTracker.foldReason("x".repeat(300)).length());
  }
}
