package io.seckill.verify;

/** The products a verification covers, inclusive at both ends; tests verify only their own range. */
public record ProductRange(long from, long to) {
  /** Every product. */
  public static final ProductRange ALL = new ProductRange(Long.MIN_VALUE, Long.MAX_VALUE);

  /** Checks the bounds. */
  public ProductRange {
    if (from > to) {
      throw new IllegalArgumentException("empty product range " + from + "-" + to);
    }
  }

  /** Parses {@code A-B}, {@code A-} (from A on) or {@code A} (one product). */
  public static ProductRange parse(String text) {
    String t = text.trim();
    int dash = t.indexOf('-', 1);
    try {
      if (dash < 0) {
        long one = Long.parseLong(t);
        return new ProductRange(one, one);
      }
      long from = Long.parseLong(t.substring(0, dash).trim());
      String rest = t.substring(dash + 1).trim();
      return new ProductRange(from, rest.isEmpty() ? Long.MAX_VALUE : Long.parseLong(rest));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("--products wants A-B, A- or A, got '" + text + "'");
    }
  }

  /** True when the range covers every product (coupons and payments are then read in full). */
  public boolean isAll() {
    return from == Long.MIN_VALUE && to == Long.MAX_VALUE;
  }

  /** True when {@code productId} is in the range. */
  public boolean contains(long productId) {
    return productId >= from && productId <= to;
  }

  @Override
  public String toString() {
    return isAll() ? "all products" : to == Long.MAX_VALUE ? "products " + from + "-" : "products " + from + "-" + to;
  }
}
