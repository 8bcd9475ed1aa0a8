package io.seckill.consumer;

import java.util.concurrent.ThreadLocalRandom;

/** Exponential backoff with jitter, so many orders hitting the same outage do not retry in step. */
public record Backoff(long initialMillis, long maxMillis, double multiplier) {
  /** Validates the shape. */
  public Backoff {
    if (initialMillis <= 0 || maxMillis < initialMillis || multiplier < 1.0) {
      throw new IllegalArgumentException("bad backoff " + initialMillis + ".." + maxMillis + " x" + multiplier);
    }
  }

  /** The ceiling of the delay before attempt {@code attempt} (1 = the first retry). */
  long ceiling(int attempt) {
    double d = initialMillis * Math.pow(multiplier, Math.max(0, attempt - 1));
    return (long) Math.min(maxMillis, d);
  }

  /** The delay before retry {@code attempt}: uniformly in [ceiling/2, ceiling]. */
  long delayMillis(int attempt) {
    long c = ceiling(attempt);
    return c / 2 + ThreadLocalRandom.current().nextLong(c / 2 + 1);
  }
}
