package io.seckill.dtm.conformance;

import io.seckill.dtm.client.DtmClient;
import io.seckill.dtm.client.TccBranch;
import io.seckill.dtm.client.TransOptions;
import io.seckill.dtm.tcc.Backoff;
import io.seckill.dtm.tcc.Branch;
import io.seckill.dtm.tcc.Checkpoint;
import io.seckill.dtm.tcc.GrpcDtm;
import io.seckill.dtm.tcc.Retries;
import io.seckill.dtm.tcc.TccOutcome;
import io.seckill.dtm.tcc.TccRunner;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;

/**
 * The suite's way into the one TCC runner production uses: branch n is named by its id ("01", ...),
 * and a Try gets one attempt (no Try budget), so a failing Try aborts at once.
 */
final class Tcc {
  private static final ScheduledExecutorService TIMER = Executors.newSingleThreadScheduledExecutor(r -> {
    Thread t = new Thread(r, "conformance-retry-timer");
    t.setDaemon(true);
    return t;
  });

  private Tcc() {
  }

  /** Runs {@code gid} of {@code branches} through the runner with {@code options}. */
  static CompletableFuture<TccOutcome> run(DtmClient dtm, String gid, List<TccBranch> branches, TransOptions options) {
    List<Branch> list = new ArrayList<>();
    for (int i = 0; i < branches.size(); i++) {
      String id = DtmClient.branchId(i + 1);
      list.add(new Branch(id, id, branches.get(i)));
    }
    TccRunner runner = new TccRunner(new GrpcDtm(dtm, options),
        new Retries(TIMER, Backoff.doubling(20, 500), () -> false, (kind, trouble) -> { }),
        Duration.ZERO, options.requestTimeout(), Checkpoint.NONE);
    return runner.run(gid, list).toCompletableFuture();
  }
}
