package io.seckill.pay;

import io.seckill.runtime.ServiceMain;
import java.util.List;

/** Starts pay-rpc: settings from pay-rpc.properties and SECKILL_PAY_* / SECKILL_* env variables. */
public final class PayServer {
  private PayServer() {
  }

  /** Runs until SIGTERM; exits 2 on a config error, 1 when the database or port is unusable. */
  public static void main(String[] args) {
    ServiceMain.run("pay-rpc", "SECKILL_PAY", List.of(PaymentMapper.class),
        (db, config) -> {
          SqlPayments payments = new SqlPayments(db.sessions());
          return List.of(new PayGrpcService(payments), new PaySagaService(payments));
        });
  }
}
