package io.seckill.dtm.conformance;

import com.zaxxer.hikari.HikariDataSource;
import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientInterceptors;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.MetadataUtils;
import io.grpc.stub.StreamObserver;
import io.seckill.dtm.DtmHeaders;
import io.seckill.dtm.BranchOp;
import io.seckill.dtm.client.DtmClient;
import io.seckill.dtm.client.DtmClientConfig;
import io.seckill.dtm.client.TccBranch;
import io.seckill.dtm.tcc.TccOutcome;
import io.seckill.dtm.client.TransOptions;
import io.seckill.dtm.conformance.TestBranchServer.Mode;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.IntFunction;

/**
 * Benchmark (a main class, not a test): tx/s of a 4-branch TCC through DTM, whose branches each do
 * one barrier-protected UPDATE, against the same 4 Try + 4 Confirm calls made directly without DTM,
 * in the same run. Args: seconds per phase (default 10), concurrency (default 32).
 * Needs ./seckill up. Prints one JSON line per phase.
 */
public final class TccBenchmark {
  private static final int ROWS = 64; // rows per branch, so lock waits do not dominate

  private TccBenchmark() {
  }

  /** Runs both phases and prints their throughput and the ratio. */
  public static void main(String[] args) throws Exception {
    int seconds = args.length > 0 ? Integer.parseInt(args[0]) : 10;
    int concurrency = args.length > 1 ? Integer.parseInt(args[1]) : 32;
    DtmClientConfig config = TestStack.dtm();
    String run = Long.toString(System.currentTimeMillis(), 36);
    try (HikariDataSource db = TestStack.dataSource(); DtmClient dtm = DtmClient.connect(config)) {
      List<TestBranchServer> servers = new ArrayList<>();
      for (int i = 0; i < 4; i++) {
        TestBranchServer s = new TestBranchServer(db, Mode.JDBC);
        s.logOps = false;
        s.recordEvents = false;
        servers.add(s);
      }
      try (Connection c = db.getConnection();
           PreparedStatement ps = c.prepareStatement("INSERT INTO stock (name, available) VALUES (?, 100000000)")) {
        for (int b = 0; b < 4; b++) {
          for (int r = 0; r < ROWS; r++) {
            ps.setString(1, "bench-" + run + "-" + b + "-" + r);
            ps.addBatch();
          }
        }
        ps.executeBatch();
      }
      IntFunction<List<TccBranch>> branchesOf = n -> {
        List<TccBranch> list = new ArrayList<>();
        for (int b = 0; b < 4; b++) {
          String payload = "bench-" + run + "-" + b + "-" + (n % ROWS) + ":1";
          list.add(servers.get(b).branch(payload.split(":")[0], 1));
        }
        return list;
      };
      List<ManagedChannel> direct = new ArrayList<>();
      for (TestBranchServer s : servers) {
        direct.add(Grpc.newChannelBuilder(s.target(), InsecureChannelCredentials.create()).build());
      }
      TransOptions opts = TransOptions.defaults().withWaitResult(true);
      // Warm both paths (JIT, pools, channels) before measuring.
      measure("warmup-dtm", 2, concurrency, n -> dtmTx(dtm, run + "-w" + n, branchesOf.apply(n), opts));
      measure("warmup-direct", 2, concurrency, n -> directTx(direct, run + "-wd" + n, branchesOf.apply(n)));
      double viaDtm = measure("dtm-tcc-4-branches", seconds, concurrency,
          n -> dtmTx(dtm, run + "-" + n, branchesOf.apply(n), opts));
      double withoutDtm = measure("direct-4-branches", seconds, concurrency,
          n -> directTx(direct, run + "-d" + n, branchesOf.apply(n)));
      System.out.printf("{\"phase\":\"summary\",\"dtm_tx_per_s\":%.1f,\"direct_tx_per_s\":%.1f,\"ratio\":%.3f,"
          + "\"concurrency\":%d,\"seconds\":%d,\"dtm_store\":\"%s\"}%n",
          viaDtm, withoutDtm, viaDtm / withoutDtm, concurrency, seconds, TestStack.env("SECKILL_DTM_STORE", "redis"));
      direct.forEach(ManagedChannel::shutdownNow);
      for (TestBranchServer s : servers) {
        s.close();
      }
    }
  }

  private static CompletableFuture<Boolean> dtmTx(DtmClient dtm, String id, List<TccBranch> branches, TransOptions o) {
    return Tcc.run(dtm, "bench-" + id, branches, o).thenApply(TccOutcome::confirmed);
  }

  /** The same branch work without a coordinator: 4 Tries in parallel, then 4 Confirms in parallel. */
  private static CompletableFuture<Boolean> directTx(List<ManagedChannel> channels, String id, List<TccBranch> branches) {
    String gid = "benchd-" + id;
    return phase(channels, gid, branches, BranchOp.TRY).thenCompose(ok -> ok
        ? phase(channels, gid, branches, BranchOp.CONFIRM)
        : CompletableFuture.completedFuture(false));
  }

  private static CompletableFuture<Boolean> phase(List<ManagedChannel> channels, String gid, List<TccBranch> branches, BranchOp op) {
    List<CompletableFuture<Boolean>> calls = new ArrayList<>();
    for (int b = 0; b < branches.size(); b++) {
      Metadata md = new Metadata();
      md.put(DtmHeaders.GID, gid);
      md.put(DtmHeaders.TRANS_TYPE, DtmHeaders.TCC);
      md.put(DtmHeaders.BRANCH_ID, DtmClient.branchId(b + 1));
      md.put(DtmHeaders.OP, op.wire());
      Channel ch = ClientInterceptors.intercept(channels.get(b), MetadataUtils.newAttachHeadersInterceptor(md));
      CompletableFuture<Boolean> f = new CompletableFuture<>();
      ClientCalls.asyncUnaryCall(ch.newCall(TestBranchServer.method(op), CallOptions.DEFAULT.withDeadlineAfter(3, TimeUnit.SECONDS)),
          branches.get(b).payload(), new StreamObserver<byte[]>() {
            @Override
            public void onNext(byte[] value) {
            }

            @Override
            public void onError(Throwable t) {
              f.complete(false);
            }

            @Override
            public void onCompleted() {
              f.complete(true);
            }
          });
      calls.add(f);
    }
    return CompletableFuture.allOf(calls.toArray(CompletableFuture[]::new))
        .thenApply(v -> calls.stream().allMatch(CompletableFuture::join));
  }

  private interface Tx {
    CompletableFuture<Boolean> start(int n);
  }

  private static double measure(String name, int seconds, int concurrency, Tx tx) throws InterruptedException {
    Semaphore slots = new Semaphore(concurrency);
    AtomicLong ok = new AtomicLong();
    AtomicLong failed = new AtomicLong();
    long start = System.nanoTime();
    long end = start + TimeUnit.SECONDS.toNanos(seconds);
    int n = 0;
    while (System.nanoTime() < end) {
      slots.acquire();
      tx.start(n++).whenComplete((r, e) -> {
        if (e == null && r) {
          ok.incrementAndGet();
        } else {
          failed.incrementAndGet();
        }
        slots.release();
      });
    }
    slots.acquire(concurrency); // drain the in-flight ones
    double elapsed = (System.nanoTime() - start) / 1e9;
    double tps = ok.get() / elapsed;
    System.out.printf("{\"phase\":\"%s\",\"ok\":%d,\"failed\":%d,\"seconds\":%.2f,\"tx_per_s\":%.1f}%n",
        name, ok.get(), failed.get(), elapsed, tps);
    return tps;
  }

}
