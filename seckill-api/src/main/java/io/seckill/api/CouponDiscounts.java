package io.seckill.api;

import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.seckill.proto.coupon.Coupon;
import io.seckill.proto.coupon.CouponServiceGrpc;
import io.seckill.proto.coupon.GetCouponRequest;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/** The discount a coupon gives, in cents. */
public interface CouponDiscounts extends AutoCloseable {
  /**
   * The discount of {@code couponId} (never 0 here: no coupon means no call). An unknown coupon gives
   * 0: its TCC Try refuses it later and the order ends CANCELLED, so the amount does not matter.
   * Throws when the coupon service cannot answer.
   */
  long discountCents(long couponId);

  @Override
  default void close() {}

  /** The same configured discount for every coupon. */
  static CouponDiscounts fixed(long cents) {
    return couponId -> cents;
  }

  /**
   * Asks coupon-rpc ({@code CouponService/GetCoupon}): the API holds no database credentials. A
   * coupon's discount never changes once it exists, so found values are cached; only admitted buyers
   * get here, so coupon-rpc sees at most one call per coupon, not the flood.
   */
  final class Grpc implements CouponDiscounts {
    private final ManagedChannel channel;
    private final long deadlineMs;
    private final Map<Long, Long> cache = new ConcurrentHashMap<>();

    /** A plaintext channel to {@code target} (host:port), each call under {@code deadlineMs}. */
    public Grpc(String target, long deadlineMs) {
      this.channel = ManagedChannelBuilder.forTarget(target).usePlaintext().build();
      this.deadlineMs = deadlineMs;
    }

    @Override
    public long discountCents(long couponId) {
      Long cached = cache.get(couponId);
      if (cached != null) {
        return cached;
      }
      Coupon c;
      try {
        c = CouponServiceGrpc.newBlockingStub(channel).withDeadlineAfter(deadlineMs, TimeUnit.MILLISECONDS)
            .getCoupon(GetCouponRequest.newBuilder().setCouponId(couponId).build());
      } catch (StatusRuntimeException e) {
        if (e.getStatus().getCode() == Status.Code.NOT_FOUND) {
          return 0;
        }
        throw e;
      }
      cache.put(couponId, c.getDiscountCents());
      return c.getDiscountCents();
    }

    @Override
    public void close() {
      channel.shutdown();
      try {
        channel.awaitTermination(2, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
