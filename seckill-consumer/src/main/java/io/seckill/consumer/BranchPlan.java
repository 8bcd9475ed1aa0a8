package io.seckill.consumer;

import io.seckill.dtm.tcc.Branch;
import io.seckill.proto.OrderMessage;
import io.seckill.proto.coupon.CouponRequest;
import io.seckill.proto.coupon.CouponServiceGrpc;
import io.seckill.proto.order.OrderRequest;
import io.seckill.proto.order.OrderServiceGrpc;
import io.seckill.proto.pay.PayRequest;
import io.seckill.proto.pay.PayServiceGrpc;
import io.seckill.proto.product.ProductServiceGrpc;
import io.seckill.proto.product.StockRequest;
import java.util.ArrayList;
import java.util.List;

/**
 * The branches of an order's global transaction, in a fixed order so a redelivery registers the
 * same branch ids with the same payloads: order 01, product 02, coupon 03 (only when couponId is
 * not 0), pay last. DTM runs Confirm and Cancel in reverse branch order.
 */
public final class BranchPlan {
  /** The gRPC service names DTM calls: the generated ones, so a renamed proto service cannot drift. */
  static final String ORDER = OrderServiceGrpc.SERVICE_NAME;
  static final String PRODUCT = ProductServiceGrpc.SERVICE_NAME;
  static final String COUPON = CouponServiceGrpc.SERVICE_NAME;
  static final String PAY = PayServiceGrpc.SERVICE_NAME;
  /** The name of the branch that owns the order row. */
  static final String ORDER_BRANCH = "order";

  private final String orderTarget;
  private final String productTarget;
  private final String couponTarget;
  private final String payTarget;

  /** A plan whose branches live at the given host:port targets (as DTM must reach them). */
  public BranchPlan(String orderTarget, String productTarget, String couponTarget, String payTarget) {
    this.orderTarget = orderTarget;
    this.productTarget = productTarget;
    this.couponTarget = couponTarget;
    this.payTarget = payTarget;
  }

  /** The branches for {@code o}. */
  public List<Branch> branches(OrderMessage o) {
    List<Branch> list = new ArrayList<>(4);
    list.add(Branch.of(list.size() + 1, ORDER_BRANCH, orderTarget, ORDER, orderRequest(o).toByteArray()));
    list.add(Branch.of(list.size() + 1, "product", productTarget, PRODUCT, StockRequest.newBuilder()
        .setOrderId(o.getOrderId()).setProductId(o.getProductId()).setQuantity(o.getQuantity())
        .build().toByteArray()));
    if (o.getCouponId() != 0) {
      list.add(Branch.of(list.size() + 1, "coupon", couponTarget, COUPON, CouponRequest.newBuilder()
          .setOrderId(o.getOrderId()).setUserId(o.getUserId()).setCouponId(o.getCouponId())
          .build().toByteArray()));
    }
    list.add(Branch.of(list.size() + 1, "pay", payTarget, PAY, PayRequest.newBuilder()
        .setOrderId(o.getOrderId()).setUserId(o.getUserId()).setAmountCents(o.getAmountCents())
        .build().toByteArray()));
    return list;
  }

  /** The OrderRequest the order branch receives; RecordCancellation takes the same one. */
  static OrderRequest orderRequest(OrderMessage o) {
    return OrderRequest.newBuilder()
        .setOrderId(o.getOrderId()).setUserId(o.getUserId()).setProductId(o.getProductId())
        .setQuantity(o.getQuantity()).setCouponId(o.getCouponId()).setAmountCents(o.getAmountCents())
        .build();
  }
}
