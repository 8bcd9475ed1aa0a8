package io.seckill.load;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.seckill.proto.codec.Decoded;
import io.seckill.proto.codec.DlqReason;
import io.seckill.proto.codec.OrderCodec;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class WorkloadTest {
  // The consumer's reader with limits of its own: the consumer's are configuration, these are conservative.
  private static final OrderCodec CODEC = new OrderCodec(64 * 1024, 5);
  /** The DLQ reason the consumer gives each kind of bad message. */
  private static final Map<BadMessage.Kind, DlqReason> EXPECTED = Map.of(
      BadMessage.Kind.NOT_JSON, DlqReason.NOT_JSON,
      BadMessage.Kind.TRUNCATED_JSON, DlqReason.NOT_JSON,
      BadMessage.Kind.NOT_OBJECT, DlqReason.NOT_JSON,
      BadMessage.Kind.MISSING_FIELD, DlqReason.MISSING_FIELD,
      BadMessage.Kind.WRONG_TYPE, DlqReason.WRONG_TYPE,
      BadMessage.Kind.BAD_QUANTITY, DlqReason.QUANTITY_OUT_OF_RANGE,
      BadMessage.Kind.BAD_ORDER_ID, DlqReason.BAD_ORDER_ID,
      BadMessage.Kind.NEGATIVE_ID, DlqReason.BAD_VALUE,
      BadMessage.Kind.NOT_UTF8, DlqReason.NOT_UTF8,
      BadMessage.Kind.OVERSIZE, DlqReason.OVERSIZED);

  private static LoadOptions kafka(String... extra) {
    List<String> args = new java.util.ArrayList<>(List.of("--product-base", "1000000", "--coupon-base", "5000000",
        "--seed", "7"));
    args.addAll(List.of(extra));
    return LoadOptions.parse(args.toArray(String[]::new));
  }

  @Test
  void validOrdersPassTheDesignFormat() {
    Workload w = Workload.generate(kafka("--count", "500", "--coupon-share", "0.3", "--products", "10"), "Rx1");
    assertEquals(500, w.orders().size());
    Set<String> ids = new HashSet<>();
    for (Order o : w.orders()) {
      byte[] json = o.kafkaJson(Instant.parse("2026-11-21T23:00:00Z"));
      Decoded read = CODEC.decode(o.key().getBytes(StandardCharsets.UTF_8), json);
      assertTrue(read instanceof Decoded.Valid, () -> read + ": " + new String(json, StandardCharsets.UTF_8));
      assertEquals(o.message(Instant.parse("2026-11-21T23:00:00Z")), ((Decoded.Valid) read).order());
      assertTrue(o.orderId().startsWith("Rx1-"));
      assertTrue(o.productId() >= 1_000_000 && o.productId() < 1_000_010);
      assertTrue(o.amountCents() > 0);
      assertTrue(ids.add(o.orderId()), "order ids are unique");
    }
  }

  @Test
  void theJsonIsExactlyTheDesignShape() {
    Order o = new Order("Rx1-3", 11, 1000002, 1, 0, 1200);
    assertEquals("{\"orderId\":\"Rx1-3\",\"userId\":11,\"productId\":1000002,\"quantity\":1,\"couponId\":0,"
        + "\"amountCents\":1200,\"requestedAt\":\"2026-11-21T23:00:00Z\"}",
        new String(o.kafkaJson(Instant.parse("2026-11-21T23:00:00Z")), StandardCharsets.UTF_8));
    assertEquals("{\"productId\":1000002,\"quantity\":1,\"couponId\":0}", o.apiJson());
  }

  @Test
  void everyBadMessageIsReallyBad() {
    Workload w = Workload.generate(kafka("--count", "100", "--bad-fraction", "0.5", "--oversize-bytes", "100000"),
        "Rx2");
    List<BadMessage> bad = w.items().stream().filter(i -> i instanceof BadMessage).map(i -> (BadMessage) i)
        .collect(Collectors.toList());
    assertEquals(50, bad.size());
    assertEquals(EnumSet.allOf(BadMessage.Kind.class),
        bad.stream().map(BadMessage::kind).collect(Collectors.toCollection(() -> EnumSet.noneOf(BadMessage.Kind.class))),
        "every kind of badness is covered");
    for (BadMessage b : bad) {
      assertTrue(b.key().startsWith("Rx2-bad-"), "the DLQ counter finds them by key");
      Decoded read = CODEC.decode(b.key().getBytes(StandardCharsets.UTF_8), b.value());
      assertTrue(read instanceof Decoded.Invalid, () -> b.kind() + " passed: " + new String(b.value(), StandardCharsets.UTF_8));
      assertEquals(EXPECTED.get(b.kind()), ((Decoded.Invalid) read).reason(), () -> b.kind() + ": " + read);
    }
  }

  @Test
  void oversizedMessagesAreOnlyOversized() {
    LoadOptions o = kafka("--oversize-bytes", "100000");
    BadMessage b = Workload.badMessage(BadMessage.Kind.OVERSIZE, "Rx3-bad-0", o, new java.util.SplittableRandom(1));
    assertTrue(b.value().length >= 100_000);
    // Without the size limit it would be a valid order: the size alone must send it to the DLQ.
    assertEquals(DlqReason.OVERSIZED, ((Decoded.Invalid) CODEC.decode(b.key().getBytes(StandardCharsets.UTF_8),
        b.value())).reason());
    Decoded unlimited = new OrderCodec(1_000_000, 5).decode(b.key().getBytes(StandardCharsets.UTF_8), b.value());
    assertTrue(unlimited instanceof Decoded.Valid, unlimited::toString);
  }

  @Test
  void sameSeedSameWorkloadOtherSeedOtherWorkload() {
    Workload a = Workload.generate(kafka("--count", "200", "--coupon-share", "0.5"), "R");
    Workload b = Workload.generate(kafka("--count", "200", "--coupon-share", "0.5"), "R");
    Workload c = Workload.generate(kafka("--count", "200", "--coupon-share", "0.5", "--seed", "8"), "R");
    assertEquals(a.orders(), b.orders());
    assertNotEquals(a.orders(), c.orders());
  }

  @Test
  void hotSkewAndCouponShareShapeTheOrders() {
    Workload w = Workload.generate(kafka("--count", "10000", "--products", "1000", "--hot-skew", "0.6",
        "--coupon-share", "0.25"), "R");
    long hot = w.orders().stream().filter(o -> o.productId() == 1_000_000).count();
    assertTrue(hot > 5700 && hot < 6300, "about 60% on the hot product, got " + hot);
    long withCoupon = w.orders().stream().filter(o -> o.couponId() != 0).count();
    assertTrue(withCoupon > 2300 && withCoupon < 2700, "about 25% with a coupon, got " + withCoupon);
    assertEquals(withCoupon, w.coupons().size(), "kafka mode creates one coupon per coupon order");
    Set<Long> couponIds = w.coupons().stream().map(Workload.Coupon::id).collect(Collectors.toSet());
    assertEquals(w.coupons().size(), couponIds.size(), "a coupon is used by one order only");
    for (Order o : w.orders()) {
      if (o.couponId() != 0) {
        Workload.Coupon k = w.coupons().stream().filter(x -> x.id() == o.couponId()).findFirst().orElseThrow();
        assertEquals(o.userId(), k.userId(), "the buyer owns the coupon");
        assertEquals(Workload.priceCents(o.productId()) - Workload.COUPON_DISCOUNT_CENTS, o.amountCents());
      }
    }
  }

  @Test
  void apiModeUsesTheSeedCouponsOfItsOwners() {
    LoadOptions o = LoadOptions.parse("--mode", "api", "--count", "2000", "--products", "20", "--users", "3000",
        "--coupon-share", "0.2", "--seed", "3");
    Workload w = Workload.generate(o, "api");
    assertTrue(w.coupons().isEmpty(), "api mode creates no coupons");
    for (Order x : w.orders()) {
      assertTrue(x.productId() >= 1 && x.productId() <= 20);
      if (x.couponId() != 0) {
        assertEquals(x.userId(), x.couponId(), "seed coupon u belongs to user u");
        assertTrue(x.userId() <= 200);
      }
    }
  }

  @Test
  void badMessagesAreSpreadAndValidOrdersKeepTheirOrder() {
    Workload w = Workload.generate(kafka("--count", "1000", "--bad-fraction", "0.1"), "R");
    List<String> validInItems = w.items().stream().filter(i -> i instanceof Order).map(Outgoing::key)
        .collect(Collectors.toList());
    assertEquals(w.orders().stream().map(Order::orderId).collect(Collectors.toList()), validInItems);
    int firstBad = -1;
    int lastBad = -1;
    for (int i = 0; i < w.items().size(); i++) {
      if (w.items().get(i) instanceof BadMessage) {
        lastBad = i;
        if (firstBad < 0) {
          firstBad = i;
        }
      }
    }
    assertTrue(firstBad < 300 && lastBad > 800, "spread over the run: " + firstBad + ".." + lastBad);
  }
}
