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
 * @param cold no warm-up: the launcher restarts the pipeline's Java services right before it and
 *     BenchMain before each further run (--restart-cmd), so every measured run starts cold
 * @param kind {@code pipeline} (Kafka -> consumer -> DTM, the default) or {@code http-admission}
 *     (wrk against seckill-api, redis-benchmark against bare Redis; see {@link HttpAdmission}) or
 *     {@code pipeline+lifecycle} (the pipeline while every confirmed order is paid or expired; see
 *     {@link LifecycleTraffic})
 */
public record Scenario(String name, String description, int products, double hotSkew, double couponShare,
    String dtmStore, boolean cold, String kind) {

  /** A warm pipeline scenario. */
  public Scenario(String name, String description, int products, double hotSkew, double couponShare, String dtmStore) {
    this(name, description, products, hotSkew, couponShare, dtmStore, false, PIPELINE);
  }

  /** {@link #kind} of the Kafka -> DTM pipeline scenarios. */
  public static final String PIPELINE = "pipeline";
  /** {@link #kind} of the pipeline with payments and expiries running beside the sale. */
  public static final String LIFECYCLE = "pipeline+lifecycle";
  /** {@link #kind} of the HTTP admission scenario. */
  public static final String HTTP_ADMISSION = "http-admission";

  /** Every scenario, in the order a full bench runs them (grouped by DTM storage). */
  public static final List<Scenario> ALL = List.of(
      new Scenario("ample", "ample stock over 1,000 products, no coupons, DTM on Redis (the default)", 1000, 0, 0,
          "redis"),
      new Scenario("ample-lifecycle", "ample, while within a second of its confirmation every order is paid (half,"
          + " a signed provider callback to the API) or expired (half, its deadline moved to now), DTM on Redis", 1000, 0,
          0, "redis", false, LIFECYCLE),
      new Scenario("ample-coupons", "ample stock over 1,000 products, half the orders with a coupon, DTM on Redis",
          1000, 0, 0.5, "redis"),
      new Scenario("hot", "one hot product takes 90% of the orders (1,000 products), no coupons, DTM on Redis",
          1000, 0.9, 0, "redis"),
      new Scenario("flash-sale", "a flash sale right after a start: 20 products with stock for every order, no "
          + "coupons, the pipeline's Java services restarted before each run as `up` starts them (with its warm-up of "
          + "SECKILL_WARMUP_ORDERS orders; 0 = a raw cold start), no bench warm-up run, DTM on Redis", 20, 0, 0, "redis",
          true, PIPELINE),
      new Scenario("http-admission", "HTTP admission through seckill-api (wrk, a fresh buyer per request) against bare "
          + "Redis running the same admission script (redis-benchmark), plus the sold-out path", 1, 0, 0, "redis",
          false, HTTP_ADMISSION),
      new Scenario("ample-mysql", "ample stock over 1,000 products, no coupons, DTM on MySQL", 1000, 0, 0, "mysql"));

  /** The scenario called {@code name}. */
  public static Optional<Scenario> named(String name) {
    return ALL.stream().filter(s -> s.name.equals(name)).findFirst();
  }
}
