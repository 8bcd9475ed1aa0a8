package io.seckill.coupon;

import io.seckill.runtime.ServiceMain;
import java.util.List;

/** Starts coupon-rpc: settings from coupon-rpc.properties and SECKILL_COUPON_* / SECKILL_* env variables. */
public final class CouponServer {
  private CouponServer() {
  }

  /** Runs until SIGTERM; exits 2 on a config error, 1 when the database or port is unusable. */
  public static void main(String[] args) {
    ServiceMain.run("coupon-rpc", "SECKILL_COUPON", List.of(CouponMapper.class),
        (db, config) -> {
          SqlCouponLedger ledger = new SqlCouponLedger(db.sessions());
          return List.of(new CouponGrpcService(ledger), new CouponSagaService(ledger));
        });
  }
}
