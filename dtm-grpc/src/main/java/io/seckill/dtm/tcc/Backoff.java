package io.seckill.dtm.tcc;

import java.time.Duration;

/** The shape of exponential backoff: first delay, ceiling, growth per attempt. */
public record Backoff(Duration initial, Duration max, double multiplier) {
  /** Validates the shape. */
  public Backoff {
    if (initial.isNegative() || initial.isZero() || max.compareTo(initial) < 0 || multiplier < 1.0) {
      throw new IllegalArgumentException("bad backoff " + initial.toMillis() + ".." + max.toMillis() + " ms x" + multiplier);
    }
  }

  /** {@code initialMillis} doubling up to {@code maxMillis}. */
  public static Backoff doubling(long initialMillis, long maxMillis) {
    return new Backoff(Duration.ofMillis(initialMillis), Duration.ofMillis(maxMillis), 2.0);
  }
}
