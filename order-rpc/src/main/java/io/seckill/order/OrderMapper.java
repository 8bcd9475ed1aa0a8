package io.seckill.order;

import java.util.List;
import java.util.Map;
import org.apache.ibatis.annotations.Insert;
import org.apache.ibatis.annotations.Param;
import org.apache.ibatis.annotations.Select;
import org.apache.ibatis.annotations.Update;
import io.seckill.proto.order.OrderRequest;

/** SQL of the orders table. The one-live-order rule is the unique key on (live_user_id, product_id). */
public interface OrderMapper {

  /** Try: inserts the order as TRYING; a duplicate key means the order or a live one for the pair exists. */
  @Insert("INSERT INTO orders (order_id, user_id, product_id, quantity, coupon_id, amount_cents, status)"
      + " VALUES (#{o.orderId}, #{o.userId}, #{o.productId}, #{o.quantity}, #{o.couponId}, #{o.amountCents}, 'TRYING')")
  int insertTrying(@Param("o") OrderRequest order);

  /**
   * Moves the order from {@code from} to {@code to}. A confirmed order has no cancellation reason:
   * one written before an Abort that DTM then refused (the transaction was submitted) is cleared.
   */
  @Update("UPDATE orders SET status = #{to}, reason = CASE WHEN #{to} = 'CONFIRMED' THEN '' ELSE reason END"
      + " WHERE order_id = #{orderId} AND status = #{from}")
  int move(@Param("orderId") String orderId, @Param("from") String from, @Param("to") String to);

  /**
   * Records why an order was cancelled: inserts a CANCELLED row when there is none; on an existing row
   * sets the reason only when it is empty and the TCC did not commit (not CONFIRMED, PAID or
   * EXPIRED), and never changes the status.
   */
  @Insert("INSERT INTO orders (order_id, user_id, product_id, quantity, coupon_id, amount_cents, status, reason)"
      + " VALUES (#{o.orderId}, #{o.userId}, #{o.productId}, #{o.quantity}, #{o.couponId}, #{o.amountCents},"
      + " 'CANCELLED', #{reason})"
      + " ON DUPLICATE KEY UPDATE reason = IF(reason = '' AND status NOT IN ('CONFIRMED', 'PAID', 'EXPIRED'),"
      + " VALUES(reason), reason)")
  int recordCancellation(@Param("o") OrderRequest order, @Param("reason") String reason);

  /** The columns of an {@link OrderRow}, the deadline as epoch millis. */
  String ROW = "SELECT order_id, user_id, product_id, quantity, coupon_id, amount_cents, status, reason,"
      + " CAST(UNIX_TIMESTAMP(pay_deadline) * 1000 AS SIGNED) AS pay_deadline_millis FROM orders";

  /** One order, or null. */
  @Select(ROW + " WHERE order_id = #{orderId}")
  OrderRow find(@Param("orderId") String orderId);

  /** Confirm: TRYING -> CONFIRMED, awaiting payment until now + {@code deadlineMicros} (database clock). */
  @Update("UPDATE orders SET status = 'CONFIRMED', reason = '',"
      + " pay_deadline = DATE_ADD(NOW(3), INTERVAL #{deadlineMicros} MICROSECOND)"
      + " WHERE order_id = #{orderId} AND status = 'TRYING'")
  int confirm(@Param("orderId") String orderId, @Param("deadlineMicros") long deadlineMicros);

  /** The status of one order under its row lock (inside a barrier transaction), or null. */
  @Select("SELECT status FROM orders WHERE order_id = #{orderId} FOR UPDATE")
  String lockStatus(@Param("orderId") String orderId);

  /**
   * CONFIRMED orders whose deadline has passed by the database clock, oldest deadline first (ties by
   * order_id, which is the order of idx_orders_due, so the scan stops after {@code limit} rows).
   */
  @Select(ROW + " WHERE status = 'CONFIRMED' AND pay_deadline <= NOW(3) ORDER BY pay_deadline, order_id"
      + " LIMIT #{limit}")
  List<OrderRow> due(@Param("limit") int limit);

  /** order_id and status of the given orders that exist (a primary-key lookup per id). */
  @Select({"<script>SELECT order_id, status FROM orders WHERE order_id IN",
      "<foreach item='id' collection='ids' open='(' separator=',' close=')'>#{id}</foreach></script>"})
  List<Map<String, Object>> statuses(@Param("ids") List<String> orderIds);
}
