package io.seckill.load.bench;

import java.util.List;
import java.util.Optional;

/**
 * A named benchmark scenario: the shape of the sale and which DTM storage it expects.
 *
 * @param name the name given to --scenario
 * @param description one line for the report
 * @param products products the orders spread over
 * @param hotSkew fraction of orders on the first product
 * @param couponShare fraction of orders with a coupon
 * @param dtmStore mysql or redis: the launcher restarts DTM with SECKILL_DTM_STORE set to it
 */
public record Scenario(String name, String description, int products, double hotSkew, double couponShare,
    String dtmStore) {

  /** Every scenario, in the order a full bench runs them (grouped by DTM storage). */
  public static final List<Scenario> ALL = List.of(
      new Scenario("ample", "ample stock over 1,000 products, no coupons, DTM on MySQL", 1000, 0, 0, "mysql"),
      new Scenario("ample-coupons", "ample stock over 1,000 products, half the orders with a coupon, DTM on MySQL",
          1000, 0, 0.5, "mysql"),
      new Scenario("hot", "one hot product takes 90% of the orders (1,000 products), no coupons, DTM on MySQL",
          1000, 0.9, 0, "mysql"),
      new Scenario("ample-redis", "ample stock over 1,000 products, no coupons, DTM on Redis", 1000, 0, 0, "redis"));

  /** The scenario called {@code name}. */
  public static Optional<Scenario> named(String name) {
    return ALL.stream().filter(s -> s.name.equals(name)).findFirst();
  }
}
