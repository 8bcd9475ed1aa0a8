package io.seckill.pay;

import org.apache.ibatis.annotations.Insert;
import org.apache.ibatis.annotations.Param;
import org.apache.ibatis.annotations.Select;
import org.apache.ibatis.annotations.Update;

/** SQL of the payment table; transitions are UPDATEs guarded by the expected status. */
public interface PaymentMapper {

  /** Try: opens the order's payment as PENDING. */
  @Insert("INSERT INTO payment (order_id, user_id, amount_cents, status)"
      + " VALUES (#{orderId}, #{userId}, #{amountCents}, 'PENDING')")
  int open(@Param("orderId") String orderId, @Param("userId") long userId, @Param("amountCents") long amountCents);

  /** Moves the order's payment from {@code from} to {@code to}. */
  @Update("UPDATE payment SET status = #{to} WHERE order_id = #{orderId} AND status = #{from}")
  int move(@Param("orderId") String orderId, @Param("from") String from, @Param("to") String to);

  /** One payment, or null. */
  @Select("SELECT order_id, user_id, amount_cents, status FROM payment WHERE order_id = #{orderId}")
  PaymentRow find(@Param("orderId") String orderId);
}
