package io.seckill.product;

import io.seckill.runtime.ServiceMain;
import java.util.List;

/** Starts product-rpc: settings from product-rpc.properties and SECKILL_PRODUCT_* / SECKILL_* env variables. */
public final class ProductServer {
  private ProductServer() {
  }

  /** Runs until SIGTERM; exits 2 on a config error, 1 when the database or port is unusable. */
  public static void main(String[] args) {
    ServiceMain.run("product-rpc", "SECKILL_PRODUCT", List.of(ProductMapper.class),
        (db, config) -> {
          SqlStockLedger ledger = new SqlStockLedger(db.sessions());
          return List.of(new ProductGrpcService(ledger), new ProductSagaService(ledger));
        });
  }
}
