package io.seckill.coupon;

import org.apache.ibatis.annotations.Param;
import org.apache.ibatis.annotations.Select;
import org.apache.ibatis.annotations.Update;

/** SQL of the coupon table; each transition is one UPDATE guarded by the expected state. */
public interface CouponMapper {

  /** Try: UNUSED -> FROZEN for {@code orderId}, only for the coupon's owner. */
  @Update("UPDATE coupon SET status = 'FROZEN', order_id = #{orderId}"
      + " WHERE id = #{id} AND user_id = #{userId} AND status = 'UNUSED'")
  int freeze(@Param("id") long id, @Param("userId") long userId, @Param("orderId") String orderId);

  /** Confirm: FROZEN by {@code orderId} -> USED. */
  @Update("UPDATE coupon SET status = 'USED' WHERE id = #{id} AND order_id = #{orderId} AND status = 'FROZEN'")
  int use(@Param("id") long id, @Param("orderId") String orderId);

  /** Cancel: FROZEN by {@code orderId} -> UNUSED, no order. */
  @Update("UPDATE coupon SET status = 'UNUSED', order_id = NULL"
      + " WHERE id = #{id} AND order_id = #{orderId} AND status = 'FROZEN'")
  int release(@Param("id") long id, @Param("orderId") String orderId);

  /** Expiry: USED by {@code orderId} -> UNUSED, no order. */
  @Update("UPDATE coupon SET status = 'UNUSED', order_id = NULL"
      + " WHERE id = #{id} AND order_id = #{orderId} AND status = 'USED'")
  int restore(@Param("id") long id, @Param("orderId") String orderId);

  /** One coupon, or null. */
  @Select("SELECT id, user_id, status, order_id, discount_cents FROM coupon WHERE id = #{id}")
  CouponRow find(@Param("id") long id);
}
