package io.seckill.order;

import io.seckill.dtm.BranchOp;
import io.seckill.dtm.branch.BarrierOutcome;
import io.seckill.dtm.branch.BranchBarrier;
import io.seckill.dtm.branch.BranchContext;
import io.seckill.dtm.branch.BusinessRefusal;
import io.seckill.proto.order.OrderRequest;
import io.seckill.runtime.DuplicateKeys;
import io.seckill.runtime.Requests;
import java.sql.SQLException;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.ibatis.session.SqlSession;
import org.apache.ibatis.session.SqlSessionFactory;

/** {@link Orders} on the seckill_order database, each branch operation in one barrier transaction. */
public final class SqlOrders implements Orders {
  /** Longest reason the orders table holds. */
  public static final int MAX_REASON = 255;

  /** The payment deadline when none is configured. */
  public static final Duration DEFAULT_PAYMENT_DEADLINE = Duration.ofMinutes(15);

  private final SqlSessionFactory sessions;
  private final Duration paymentDeadline;
  private final BranchBarrier barrier = new BranchBarrier();

  /** Orders over {@code sessions} (which must know {@link OrderMapper}) with the default deadline. */
  public SqlOrders(SqlSessionFactory sessions) {
    this(sessions, DEFAULT_PAYMENT_DEADLINE);
  }

  /** Orders over {@code sessions}; a confirmed order awaits payment for {@code paymentDeadline}. */
  public SqlOrders(SqlSessionFactory sessions, Duration paymentDeadline) {
    this.sessions = sessions;
    this.paymentDeadline = paymentDeadline;
  }

  @Override
  public BarrierOutcome create(BranchContext branch, OrderRequest request) throws Exception {
    validate(request);
    return barrier.call(sessions, branch, s -> {
      try {
        s.getMapper(OrderMapper.class).insertTrying(request);
      } catch (RuntimeException e) {
        SQLException duplicate = DuplicateKeys.violated(e);
        if (duplicate == null) {
          throw e;
        }
        // The message names the violated key: the live-order key means a second live order.
        if (String.valueOf(duplicate.getMessage()).contains("uniq_live_order")) {
          throw new BusinessRefusal("DUPLICATE_ORDER", "user " + request.getUserId()
              + " already holds a live order for product " + request.getProductId());
        }
        throw new BusinessRefusal("ORDER_EXISTS", "order " + request.getOrderId() + " is already recorded");
      }
    });
  }

  @Override
  public BarrierOutcome confirm(BranchContext branch, OrderRequest request) throws Exception {
    long micros = paymentDeadline.toNanos() / 1000;
    return barrier.call(sessions, branch, s -> {
      validate(request);
      if (s.getMapper(OrderMapper.class).confirm(request.getOrderId(), micros) == 0) {
        throw new IllegalStateException("confirm: order " + request.getOrderId() + " is not TRYING");
      }
    });
  }

  @Override
  public BarrierOutcome expire(BranchContext branch, OrderRequest request) throws Exception {
    Requests.sagaAction(branch);
    validate(request);
    return barrier.call(sessions, branch, s -> after(s, request, "EXPIRED"));
  }

  @Override
  public BarrierOutcome markPaid(BranchContext branch, OrderRequest request) throws Exception {
    Requests.sagaAction(branch);
    validate(request);
    return barrier.call(sessions, branch, s -> after(s, request, "PAID"));
  }

  // A step after its saga's pivot: CONFIRMED -> to, or already there; anything else is retried.
  private static void after(SqlSession s, OrderRequest request, String to) {
    OrderMapper orders = s.getMapper(OrderMapper.class);
    if (orders.move(request.getOrderId(), "CONFIRMED", to) == 1) {
      return;
    }
    String status = orders.lockStatus(request.getOrderId());
    if (!to.equals(status)) {
      throw new IllegalStateException(to + ": order " + request.getOrderId() + " is " + status + ", not CONFIRMED");
    }
  }

  @Override
  public List<OrderRow> due(int limit) {
    if (limit < 1 || limit > MAX_DUE_BATCH) {
      throw new IllegalArgumentException("limit must be within 1.." + MAX_DUE_BATCH + ", got " + limit);
    }
    try (SqlSession s = sessions.openSession()) {
      return s.getMapper(OrderMapper.class).due(limit);
    }
  }

  @Override
  public BarrierOutcome cancel(BranchContext branch, OrderRequest request) throws Exception {
    return barrier.call(sessions, branch, s -> move(s, request, BranchOp.CANCEL, "CANCELLED"));
  }

  // Validated only once the barrier lets the call through: a malformed Try was refused, and its
  // Cancel (same bytes) must still succeed as a null compensation.
  private static void move(SqlSession s, OrderRequest request, BranchOp op, String to) {
    validate(request);
    OrderMapper orders = s.getMapper(OrderMapper.class);
    if (orders.move(request.getOrderId(), "TRYING", to) == 0) {
      throw new IllegalStateException(op + ": order " + request.getOrderId() + " is not TRYING");
    }
  }

  @Override
  public OrderRow recordCancellation(OrderRequest order, String reason) {
    validate(order);
    if (reason == null || reason.isBlank()) {
      throw new IllegalArgumentException("reason is required");
    }
    if (reason.length() > MAX_REASON) {
      throw new IllegalArgumentException("reason must be at most " + MAX_REASON + " chars");
    }
    try (SqlSession s = sessions.openSession(false)) {
      OrderMapper orders = s.getMapper(OrderMapper.class);
      // One statement decides insert-or-annotate under the row lock, so concurrent calls cannot race.
      orders.recordCancellation(order, reason);
      OrderRow row = orders.find(order.getOrderId());
      s.commit(true);
      if (!"TRYING".equals(row.status()) && !"CANCELLED".equals(row.status())) {
        throw new BusinessRefusal("ORDER_CONFIRMED", "order " + order.getOrderId() + " is " + row.status());
      }
      return row;
    }
  }

  @Override
  public Optional<OrderRow> order(String orderId) {
    try (SqlSession s = sessions.openSession()) {
      return Optional.ofNullable(s.getMapper(OrderMapper.class).find(orderId));
    }
  }

  @Override
  public Map<String, String> statuses(List<String> orderIds) {
    if (orderIds.size() > MAX_STATUS_BATCH) {
      throw new IllegalArgumentException("at most " + MAX_STATUS_BATCH + " order ids per call, got " + orderIds.size());
    }
    orderIds.forEach(Requests::orderId);
    Map<String, String> out = new HashMap<>();
    if (orderIds.isEmpty()) {
      return out;
    }
    try (SqlSession s = sessions.openSession()) {
      for (Map<String, Object> row : s.getMapper(OrderMapper.class).statuses(orderIds)) {
        out.put(String.valueOf(row.get("order_id")), String.valueOf(row.get("status")));
      }
    }
    return out;
  }

  private static void validate(OrderRequest request) {
    Requests.orderId(request.getOrderId());
    Requests.positive("user_id", request.getUserId());
    Requests.positive("product_id", request.getProductId());
    Requests.positive("quantity", request.getQuantity());
    Requests.notNegative("coupon_id", request.getCouponId());
    Requests.notNegative("amount_cents", request.getAmountCents());
  }
}
