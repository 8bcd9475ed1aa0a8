package io.seckill.verify;

import java.util.List;

/**
 * One row of the verification table.
 *
 * @param name short id, e.g. {@code stock.frozen-zero}
 * @param invariant what must hold, in words
 * @param expected the value that holds when the invariant does
 * @param found the value read
 * @param ok whether it holds
 * @param offenders up to the configured number of order (or product, coupon) ids involved
 * @param offenderCount how many there are in all
 */
public record Check(String name, String invariant, String expected, String found, boolean ok,
    List<String> offenders, int offenderCount) {

  /** A check that holds when {@code offenders} is empty; names at most {@code maxIds} of them. */
  public static Check of(String name, String invariant, String expected, String found, List<String> offenders,
      int maxIds) {
    return new Check(name, invariant, expected, found, offenders.isEmpty(),
        List.copyOf(offenders.subList(0, Math.min(maxIds, offenders.size()))), offenders.size());
  }

  /** A check that was not applicable; it holds. */
  public static Check skipped(String name, String invariant, String why) {
    return new Check(name, invariant, "-", why, true, List.of(), 0);
  }
}
