package io.seckill.consumer;

import java.util.HashMap;
import java.util.Map;
import java.util.OptionalLong;
import java.util.TreeSet;
import org.apache.kafka.common.TopicPartition;

/**
 * Which offsets of each partition are started but not finished, so the consumer commits only the
 * contiguous finished prefix: the committed offset is the lowest unfinished one, or one past the
 * last started offset when nothing is unfinished. Out-of-order completion never moves the commit
 * past a record whose global transaction is not yet durable in DTM.
 *
 * <p>Used by the poll thread only (completions are handed to it through a queue), so it needs no
 * locking.
 */
final class OffsetTracker {
  private final Map<TopicPartition, Partition> partitions = new HashMap<>();
  private long epochs;

  private static final class Partition {
    final long epoch;
    final TreeSet<Long> unfinished = new TreeSet<>();
    long nextAfterStarted = -1;
    long lastCommitted = -1;

    Partition(long epoch) {
      this.epoch = epoch;
    }
  }

  /**
   * Records that {@code offset} of {@code tp} has been handed to a transaction or the DLQ, and
   * returns the partition's epoch: a partition forgotten and assigned again starts a new epoch, so
   * a late completion from before cannot finish an offset of the new assignment.
   */
  long started(TopicPartition tp, long offset) {
    Partition p = partitions.computeIfAbsent(tp, k -> new Partition(++epochs));
    if (offset < p.nextAfterStarted) {
      throw new IllegalStateException("offset " + offset + " of " + tp + " started twice");
    }
    p.unfinished.add(offset);
    p.nextAfterStarted = offset + 1;
    return p.epoch;
  }

  /**
   * Records that {@code offset} of {@code tp}, started in {@code epoch}, is durably done (DTM
   * decided, or the DLQ acknowledged); returns false when that epoch is over (ignored).
   */
  boolean finished(TopicPartition tp, long offset, long epoch) {
    Partition p = partitions.get(tp);
    if (p == null || p.epoch != epoch) {
      return false;
    }
    p.unfinished.remove(offset);
    return true;
  }

  /** True while {@code epoch} is the current epoch of {@code tp}. */
  boolean current(TopicPartition tp, long epoch) {
    Partition p = partitions.get(tp);
    return p != null && p.epoch == epoch;
  }

  /** The lowest offset not yet finished, or {@code position} when nothing is pending. */
  long lowWatermark(TopicPartition tp, long position) {
    Partition p = partitions.get(tp);
    if (p == null || p.nextAfterStarted < 0) {
      return position;
    }
    return p.unfinished.isEmpty() ? Math.min(p.nextAfterStarted, position) : p.unfinished.first();
  }

  /** The offset to commit for {@code tp} if it moved since the last {@link #committed} call. */
  OptionalLong commitable(TopicPartition tp) {
    Partition p = partitions.get(tp);
    if (p == null || p.nextAfterStarted < 0) {
      return OptionalLong.empty();
    }
    long next = p.unfinished.isEmpty() ? p.nextAfterStarted : p.unfinished.first();
    return next > p.lastCommitted ? OptionalLong.of(next) : OptionalLong.empty();
  }

  /** Notes that {@code offset} was committed for {@code tp}. */
  void committed(TopicPartition tp, long offset) {
    Partition p = partitions.get(tp);
    if (p != null && offset > p.lastCommitted) {
      p.lastCommitted = offset;
    }
  }

  /** Number of started-but-unfinished offsets of {@code tp}. */
  int unfinished(TopicPartition tp) {
    Partition p = partitions.get(tp);
    return p == null ? 0 : p.unfinished.size();
  }

  /** Forgets {@code tp} (revoked or lost): its unfinished records will be redelivered to the next owner. */
  void forget(TopicPartition tp) {
    partitions.remove(tp);
  }

  /** The partitions tracked right now. */
  java.util.Set<TopicPartition> partitions() {
    return partitions.keySet();
  }
}
