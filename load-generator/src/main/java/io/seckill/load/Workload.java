package io.seckill.load;

import io.seckill.proto.OrderMessage;
import io.seckill.proto.codec.OrderCodec;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Everything one run sends, generated up front from the options and the seed (so a run repeats
 * exactly): the valid orders, the bad messages interleaved among them, and the coupons the orders
 * use (kafka mode creates those coupons before sending).
 *
 * @param items the records in sending order
 * @param orders the valid orders only, in sending order
 * @param coupons coupon id and owner of every coupon a valid order carries
 */
public record Workload(List<Outgoing> items, List<Order> orders, List<Coupon> coupons) {

  /** A coupon a generated order uses: id, owner and discount. */
  public record Coupon(long id, long userId, long discountCents) {}

  /** Discount of every coupon the generator creates (the seed's coupons give the same). */
  public static final long COUPON_DISCOUNT_CENTS = 200;

  /** Price of a product the load generator sets up: a pure function of the id, so anyone can recompute it. */
  public static long priceCents(long productId) {
    return 1000 + 100 * Math.floorMod(productId, 20);
  }

  /** Generates the workload of {@code o} with order ids {@code runId-<n>}. */
  public static Workload generate(LoadOptions o, String runId) {
    SplittableRandom rnd = new SplittableRandom(o.seed());
    List<Order> orders = new ArrayList<>(o.count());
    List<Coupon> coupons = new ArrayList<>();
    long nextCoupon = o.couponBase();
    long couponOwners = Math.min(o.couponUsers(), o.users());
    for (int i = 0; i < o.count(); i++) {
      int index = rnd.nextDouble() < o.hotSkew() ? 0 : rnd.nextInt(o.products());
      long productId = o.productBase() + index;
      boolean withCoupon = rnd.nextDouble() < o.couponShare();
      long user;
      long couponId = 0;
      if (withCoupon && o.mode() == LoadOptions.Mode.API) {
        // The API's buyers hold existing coupons: user u owns coupon couponBase + u - 1 (sql/seed.sql).
        if (couponOwners > 0) {
          long u = 1 + rnd.nextLong(couponOwners);
          user = o.userBase() + u;
          couponId = o.couponBase() + u - 1;
        } else {
          user = o.userBase() + 1 + rnd.nextLong(o.users());
        }
      } else {
        user = o.userBase() + 1 + rnd.nextLong(o.users());
        if (withCoupon) {
          couponId = nextCoupon++;
          coupons.add(new Coupon(couponId, user, COUPON_DISCOUNT_CENTS));
        }
      }
      int quantity = 1;
      long amount = priceCents(productId) * quantity - (couponId == 0 ? 0 : COUPON_DISCOUNT_CENTS);
      orders.add(new Order(runId + "-" + i, user, productId, quantity, couponId, amount));
    }
    int badCount = (int) Math.round(o.count() * o.badFraction());
    List<BadMessage> bad = new ArrayList<>(badCount);
    BadMessage.Kind[] kinds = BadMessage.Kind.values();
    for (int j = 0; j < badCount; j++) {
      // Every kind appears once before any repeats, so small runs still cover them all.
      bad.add(badMessage(kinds[j % kinds.length], runId + "-bad-" + j, o, rnd));
    }
    return new Workload(interleave(orders, bad, rnd), Collections.unmodifiableList(orders),
        Collections.unmodifiableList(coupons));
  }

  private static List<Outgoing> interleave(List<Order> orders, List<BadMessage> bad, SplittableRandom rnd) {
    List<Outgoing> items = new ArrayList<>(orders.size() + bad.size());
    items.addAll(orders);
    // Bad messages go to random places, keeping the valid orders' own order.
    for (BadMessage b : bad) {
      items.add(rnd.nextInt(items.size() + 1), b);
    }
    return Collections.unmodifiableList(items);
  }

  /** A bad message of {@code kind} with record key {@code key}. */
  static BadMessage badMessage(BadMessage.Kind kind, String key, LoadOptions o, SplittableRandom rnd) {
    long product = o.productBase() + rnd.nextInt(o.products());
    String now = Instant.now().toString();
    // A valid order as the codec writes it, {"orderId":"<key>","userId":7,...}, which each kind spoils.
    String valid = new String(OrderCodec.encode(OrderMessage.newBuilder().setOrderId(key).setUserId(7)
        .setProductId(product).setQuantity(1).setCouponId(0).setAmountCents(1100).setRequestedAt(now).build()),
        StandardCharsets.UTF_8);
    byte[] value = switch (kind) {
      case NOT_JSON -> utf8("this is not an order " + rnd.nextInt(1_000_000) + " {orderId: " + key);
      case TRUNCATED_JSON -> utf8(valid.substring(0, valid.length() / 2));
      case NOT_OBJECT -> utf8("[\"" + key + "\",7," + product + ",1]");
      case MISSING_FIELD -> utf8("{\"orderId\":\"" + key + "\",\"userId\":7,\"quantity\":1,\"couponId\":0,"
          + "\"amountCents\":1100,\"requestedAt\":\"" + now + "\"}");
      case WRONG_TYPE -> utf8(valid.replace("\"userId\":7", "\"userId\":\"seven\""));
      case BAD_QUANTITY -> utf8(valid.replace("\"quantity\":1", "\"quantity\":"
          + (rnd.nextBoolean() ? "0" : (rnd.nextBoolean() ? "-3" : "1000000000"))));
      case BAD_ORDER_ID -> utf8(valid.replace("\"orderId\":\"" + key + "\"", "\"orderId\":\"" + key + " !?\""));
      case NEGATIVE_ID -> utf8(valid.replace("\"productId\":" + product, "\"productId\":-" + product));
      case NOT_UTF8 -> notUtf8(valid);
      case OVERSIZE -> oversize(valid, o.oversizeBytes());
    };
    return new BadMessage(key, value, kind);
  }

  private static byte[] notUtf8(String valid) {
    byte[] base = utf8(valid);
    int at = valid.indexOf("\"requestedAt\":\"") + "\"requestedAt\":\"".length();
    byte[] out = new byte[base.length + 2];
    System.arraycopy(base, 0, out, 0, at);
    // 0xC3 0x28: a two-byte sequence whose second byte is not a continuation byte.
    out[at] = (byte) 0xC3;
    out[at + 1] = (byte) 0x28;
    System.arraycopy(base, at, out, at + 2, base.length - at);
    return out;
  }

  private static byte[] oversize(String valid, int bytes) {
    StringBuilder sb = new StringBuilder(bytes + 64);
    sb.append(valid, 0, valid.length() - 1).append(",\"padding\":\"");
    while (sb.length() < bytes) {
      sb.append("xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx");
    }
    sb.append("\"}");
    return utf8(sb.toString());
  }

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}
