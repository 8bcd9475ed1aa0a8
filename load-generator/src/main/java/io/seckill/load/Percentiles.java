package io.seckill.load;

import java.util.Arrays;
import java.util.List;

/** Percentiles by the nearest-rank method: the smallest sample with at least q of the samples at or below it. */
public final class Percentiles {
  private Percentiles() {}

  /** Latency summary in milliseconds of a set of samples; all zero when there are none. */
  public record Summary(long count, double p50, double p95, double p99, double max, double mean) {
    /** The summary of no samples. */
    public static final Summary EMPTY = new Summary(0, 0, 0, 0, 0, 0);
  }

  /** The q-quantile (0 &lt; q &lt;= 1) of {@code sorted}, which must be sorted ascending and not empty. */
  public static long nearestRank(long[] sorted, double q) {
    if (sorted.length == 0) {
      throw new IllegalArgumentException("no samples");
    }
    if (!(q > 0 && q <= 1)) {
      throw new IllegalArgumentException("q must be within (0, 1], got " + q);
    }
    // rank = ceil(q * n), 1-based; the epsilon keeps 0.95 * 100 = 95.00000000000001 at rank 95.
    int rank = (int) Math.ceil(q * sorted.length - 1e-9);
    return sorted[Math.max(1, Math.min(sorted.length, rank)) - 1];
  }

  /** p50/p95/p99/max/mean of {@code samples} (any order; the array is sorted in place). */
  public static Summary summarize(long[] samples) {
    if (samples.length == 0) {
      return Summary.EMPTY;
    }
    Arrays.sort(samples);
    double sum = 0;
    for (long s : samples) {
      sum += s;
    }
    return new Summary(samples.length, nearestRank(samples, 0.50), nearestRank(samples, 0.95),
        nearestRank(samples, 0.99), samples[samples.length - 1], sum / samples.length);
  }

  /** The median of {@code values} (mean of the middle two for an even count), NaN for none. */
  public static double median(List<Double> values) {
    if (values.isEmpty()) {
      return Double.NaN;
    }
    double[] v = values.stream().mapToDouble(Double::doubleValue).sorted().toArray();
    int n = v.length;
    return n % 2 == 1 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
  }
}
