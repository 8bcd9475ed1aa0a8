package io.seckill.pay;

import java.util.List;
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
  @Select("SELECT order_id, user_id, amount_cents, status, provider_txn_id FROM payment WHERE order_id = #{orderId}")
  PaymentRow find(@Param("orderId") String orderId);

  /** One payment under its row lock (inside a barrier transaction), or null. */
  @Select("SELECT order_id, user_id, amount_cents, status, provider_txn_id FROM payment"
      + " WHERE order_id = #{orderId} FOR UPDATE")
  PaymentRow lock(@Param("orderId") String orderId);

  /** Expiry pivot: AWAITING_PAYMENT -> CLOSED. */
  @Update("UPDATE payment SET status = 'CLOSED', closed_at = NOW(3)"
      + " WHERE order_id = #{orderId} AND status = 'AWAITING_PAYMENT'")
  int close(@Param("orderId") String orderId);

  /** Payment pivot: AWAITING_PAYMENT -> PAID by {@code txn}, for exactly {@code amountCents}. */
  @Update("UPDATE payment SET status = 'PAID', provider_txn_id = #{txn}, paid_at = NOW(3)"
      + " WHERE order_id = #{orderId} AND status = 'AWAITING_PAYMENT' AND amount_cents = #{amountCents}")
  int settle(@Param("orderId") String orderId, @Param("txn") String txn, @Param("amountCents") long amountCents);

  /** Records a refund for {@code txn}; a second record of the same transaction changes nothing. */
  @Insert("INSERT IGNORE INTO refund (provider_txn_id, order_id, amount_cents, reason)"
      + " VALUES (#{txn}, #{orderId}, #{amountCents}, #{reason})")
  int refund(@Param("txn") String txn, @Param("orderId") String orderId, @Param("amountCents") long amountCents,
      @Param("reason") String reason);

  /** The refunds of one order, oldest first. */
  @Select("SELECT provider_txn_id, order_id, amount_cents, reason, status FROM refund"
      + " WHERE order_id = #{orderId} ORDER BY created_at, provider_txn_id")
  List<RefundRow> refunds(@Param("orderId") String orderId);
}
