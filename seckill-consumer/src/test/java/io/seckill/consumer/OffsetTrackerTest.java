package io.seckill.consumer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.OptionalLong;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

class OffsetTrackerTest {
  private final TopicPartition p0 = new TopicPartition("t", 0);
  private final TopicPartition p1 = new TopicPartition("t", 1);

  @Test
  void outOfOrderCompletionCommitsOnlyTheContiguousPrefix() {
    OffsetTracker t = new OffsetTracker();
    long e = 0;
    for (long o = 10; o < 15; o++) {
      e = t.started(p0, o);
    }
    assertEquals(OptionalLong.of(10), t.commitable(p0));
    t.committed(p0, 10);
    assertEquals(OptionalLong.empty(), t.commitable(p0), "nothing new to commit");
    t.finished(p0, 12, e);
    t.finished(p0, 14, e);
    assertEquals(OptionalLong.empty(), t.commitable(p0), "10 is unfinished: 12 and 14 cannot be committed");
    t.finished(p0, 10, e);
    assertEquals(OptionalLong.of(11), t.commitable(p0));
    t.committed(p0, 11);
    t.finished(p0, 11, e);
    assertEquals(OptionalLong.of(13), t.commitable(p0), "11 and 12 done, 13 is not");
    t.finished(p0, 13, e);
    assertEquals(OptionalLong.of(15), t.commitable(p0), "all done: commit one past the last started");
    assertEquals(0, t.unfinished(p0));
  }

  @Test
  void gapsInOffsetsDoNotBlock() {
    // Transaction markers and compaction leave holes: only started offsets count.
    OffsetTracker t = new OffsetTracker();
    long e = t.started(p0, 3);
    t.started(p0, 7);
    t.finished(p0, 7, e);
    t.finished(p0, 3, e);
    assertEquals(OptionalLong.of(8), t.commitable(p0));
  }

  @Test
  void partitionsAreIndependent() {
    OffsetTracker t = new OffsetTracker();
    long e0 = t.started(p0, 0);
    long e1 = t.started(p1, 0);
    t.started(p1, 1);
    t.finished(p1, 1, e1);
    t.finished(p1, 0, e1);
    assertEquals(OptionalLong.of(0), t.commitable(p0));
    assertEquals(OptionalLong.of(2), t.commitable(p1));
    assertTrue(t.finished(p0, 0, e0));
  }

  @Test
  void aCompletionFromAnEarlierAssignmentIsIgnored() {
    OffsetTracker t = new OffsetTracker();
    long old = t.started(p0, 5);
    t.forget(p0);
    long now = t.started(p0, 5);
    assertFalse(t.finished(p0, 5, old), "the old epoch must not finish the redelivered record");
    assertEquals(OptionalLong.of(5), t.commitable(p0));
    assertTrue(t.finished(p0, 5, now));
    assertEquals(OptionalLong.of(6), t.commitable(p0));
  }

  @Test
  void startingAnOffsetTwiceIsABug() {
    OffsetTracker t = new OffsetTracker();
    t.started(p0, 5);
    assertThrows(IllegalStateException.class, () -> t.started(p0, 5));
  }
}
