package io.seckill.order;

import io.seckill.runtime.ServiceMain;
import java.util.List;

/** Starts order-rpc: settings from order-rpc.properties and SECKILL_ORDER_* / SECKILL_* env variables. */
public final class OrderServer {
  private OrderServer() {
  }

  /** Runs until SIGTERM; exits 2 on a config error, 1 when the database or port is unusable. */
  public static void main(String[] args) {
    ServiceMain.run("order-rpc", "SECKILL_ORDER", List.of(OrderMapper.class),
        db -> List.of(new OrderGrpcService(new SqlOrders(db.sessions()))));
  }
}
