package io.seckill.product;

import io.seckill.dtm.DtmHeaders;
import io.seckill.dtm.BranchOp;
import io.seckill.dtm.branch.BranchContext;
import io.seckill.proto.product.StockRequest;
import io.seckill.runtime.Database;
import io.seckill.runtime.ServiceConfig;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Not a test: measures product Tries per second (barrier + conditional UPDATE, real database) on one hot
 * product and spread over 1,000 products. Products 2,000,000..2,001,000 and gids "bench-*", removed
 * afterwards. Args: [threads=32] [seconds=10]. Run from the repo root after building product-rpc:
 * {@code SECKILL_PRODUCT_DB_PASSWORD=$(cat .stack/secrets/db-product-rpc.password) java -cp
 * "product-rpc/target/test-classes:product-rpc/target/product-rpc.jar:product-rpc/target/lib/*"
 * io.seckill.product.TryBenchmark 32 10} (as the service's own account, whose DML it needs only)
 */
public final class TryBenchmark {
  private static final long FIRST = 2_000_000L;
  private static final int SPREAD = 1_000;

  private TryBenchmark() {
  }

  /** Runs both scenarios and prints one line per scenario. */
  public static void main(String[] args) throws Exception {
    int threads = args.length > 0 ? Integer.parseInt(args[0]) : 32;
    int seconds = args.length > 1 ? Integer.parseInt(args[1]) : 10;
    ServiceConfig config = ServiceConfig.load("product-rpc.properties", "SECKILL_PRODUCT").validate();
    try (Database db = Database.open(config, "bench", ProductMapper.class)) {
      StockLedger ledger = new SqlStockLedger(db.sessions());
      try {
        exec(db, "DELETE FROM product WHERE id BETWEEN ? AND ?", FIRST, FIRST + SPREAD);
        for (long id = FIRST; id <= FIRST + SPREAD; id++) {
          exec(db, "INSERT INTO product (id, name, price_cents, initial_stock, available)"
              + " VALUES (?, 'bench', 100, 1000000000, 1000000000)", id, null);
        }
        run("hot (1 product)", ledger, threads, seconds, i -> FIRST);
        run("spread (1000 products)", ledger, threads, seconds, i -> FIRST + 1 + (i % SPREAD));
      } finally {
        exec(db, "DELETE FROM product WHERE id BETWEEN ? AND ?", FIRST, FIRST + SPREAD);
        exec(db, "DELETE FROM barrier WHERE gid LIKE 'bench-%'", null, null);
      }
    }
  }

  private interface Pick {
    long product(long i);
  }

  private static void run(String name, StockLedger ledger, int threads, int seconds, Pick pick) throws Exception {
    AtomicLong counter = new AtomicLong();
    AtomicLong done = new AtomicLong();
    AtomicLong failed = new AtomicLong();
    String run = "bench-" + System.nanoTime() + "-";
    long end = System.nanoTime() + seconds * 1_000_000_000L;
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    List<Future<?>> futures = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      futures.add(pool.submit(() -> {
        while (System.nanoTime() < end) {
          long i = counter.getAndIncrement();
          StockRequest r = StockRequest.newBuilder().setOrderId("b" + i).setProductId(pick.product(i)).setQuantity(1).build();
          try {
            ledger.freeze(new BranchContext(run + i, DtmHeaders.TCC, "01", BranchOp.TRY, ""), r);
            done.incrementAndGet();
          } catch (Exception e) {
            failed.incrementAndGet();
          }
        }
        return null;
      }));
    }
    for (Future<?> f : futures) {
      f.get();
    }
    pool.shutdown();
    System.out.printf("%-24s threads=%d seconds=%d tries=%d failed=%d tries/s=%.0f%n", name, threads, seconds,
        done.get(), failed.get(), done.get() / (double) seconds);
  }

  private static void exec(Database db, String sql, Object a, Object b) throws Exception {
    try (Connection c = db.dataSource().getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
      if (a != null) {
        ps.setObject(1, a);
      }
      if (b != null) {
        ps.setObject(2, b);
      }
      ps.executeUpdate();
    }
  }
}
