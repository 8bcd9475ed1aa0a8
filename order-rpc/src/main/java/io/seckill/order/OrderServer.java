package io.seckill.order;

import io.seckill.runtime.ServiceConfig;
import io.seckill.runtime.ServiceMain;
import io.seckill.runtime.settings.Setting;
import java.time.Duration;
import java.util.List;

/** Starts order-rpc: settings from order-rpc.properties and SECKILL_ORDER_* / SECKILL_* env variables. */
public final class OrderServer {
  /** How long a CONFIRMED order awaits payment before it expires (ISO-8601, e.g. PT15M). */
  public static final Setting<Duration> PAYMENT_DEADLINE =
      Setting.duration("order.payment-deadline", Duration.ofSeconds(1), Duration.ofDays(7));

  private OrderServer() {
  }

  /** Runs until SIGTERM; exits 2 on a config error, 1 when the database or port is unusable. */
  public static void main(String[] args) {
    ServiceMain.run("order-rpc", "SECKILL_ORDER", List.of(OrderMapper.class),
        (db, config) -> {
          SqlOrders orders = new SqlOrders(db.sessions(), paymentDeadline(config));
          return List.of(new OrderGrpcService(orders), new OrderSagaService(orders));
        });
  }

  /**
   * The {@link #PAYMENT_DEADLINE} setting (env SECKILL_ORDER_PAYMENT_DEADLINE), 1 s .. 7 days; a
   * missing or bad value throws ConfigException naming the key, which stops start-up.
   */
  public static Duration paymentDeadline(ServiceConfig config) {
    return config.get(PAYMENT_DEADLINE);
  }
}
