package io.seckill.load.bench;

import io.grpc.MethodDescriptor;
import io.grpc.Server;
import io.grpc.ServerInterceptors;
import io.grpc.ServerServiceDefinition;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.ServerCalls;
import io.grpc.stub.StreamObserver;
import io.seckill.dtm.BranchOp;
import io.seckill.dtm.RawBytes;
import io.seckill.dtm.branch.BranchContext;
import io.seckill.dtm.branch.DtmServerInterceptor;
import io.seckill.dtm.client.DtmClient;
import io.seckill.dtm.client.DtmClientConfig;
import io.seckill.dtm.client.TccBranch;
import io.seckill.dtm.client.TransOptions;
import io.seckill.load.Percentiles;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * DTM's ceiling on this machine: 4-branch TCC transactions through the running DTM server (Prepare,
 * 4 RegisterBranch, 4 Try, Submit; DTM then calls the 4 Confirms) with no-op branch services that
 * live in this process on a free 127.0.0.1 port and answer every Try/Confirm/Cancel OK without any
 * database. A transaction counts as done when its 4th Confirm arrived, so the figure includes DTM's
 * Confirm phase, as the pipeline's confirmed orders/s does. Submit is a plain one (no WaitResult, no
 * read-back), which is what DTM itself costs.
 */
final class DtmCeiling implements AutoCloseable {
  /** The four no-op branch services (one port, four service names, like the pipeline's four). */
  static final List<String> SERVICES = List.of("seckill.bench.NoopOrder", "seckill.bench.NoopProduct",
      "seckill.bench.NoopCoupon", "seckill.bench.NoopPay");
  /** A transaction whose 4th Confirm has not come this long after its start is counted failed. */
  private static final long TX_TIMEOUT_SECONDS = 30;

  /** One short run at {@code inFlight} transactions in flight. */
  record Probe(int inFlight, double perSecond) {}

  /** One measured run: transactions done (4 Confirms received) within {@code seconds}. */
  record Run(int inFlight, double seconds, long started, long done, long failed, double perSecond) {}

  /**
   * The ceiling of one DTM storage.
   *
   * @param probes the short runs per in-flight level
   * @param bestInFlight the level with the highest probe rate
   * @param runs the measured runs at that level
   * @param perSecondMedian their median transactions/s
   * @param measuredBy the scenario whose bench process measured it (others of the same invocation and storage reuse it)
   */
  record Result(String dtmStore, List<Probe> probes, int bestInFlight, List<Run> runs, double perSecondMedian,
      String measuredBy, String measuredAt) {}

  private static final MethodDescriptor.Marshaller<byte[]> BYTES = RawBytes.MARSHALLER;

  private final Map<String, Pending> pending = new ConcurrentHashMap<>();
  private final AtomicLong confirms = new AtomicLong();
  private final Server server;
  private final DtmClient dtm;
  private final List<TccBranch> branches = new ArrayList<>();
  private final TransOptions options = TransOptions.defaults();
  private final String runId = Long.toString(System.currentTimeMillis(), 36);
  private final AtomicLong sequence = new AtomicLong();

  /** A transaction waiting for its Confirms. */
  private static final class Pending {
    final AtomicInteger left = new AtomicInteger(SERVICES.size());
    final CompletableFuture<Void> confirmed = new CompletableFuture<>();
  }

  /** Starts the no-op branches on a free 127.0.0.1 port and connects to DTM as {@code config} says. */
  DtmCeiling(DtmClientConfig config) throws IOException {
    NettyServerBuilder b = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0)).directExecutor();
    for (String service : SERVICES) {
      ServerServiceDefinition.Builder svc = ServerServiceDefinition.builder(service);
      for (BranchOp op : BranchOp.values()) {
        svc.addMethod(method(service, op), ServerCalls.asyncUnaryCall((req, out) -> answer(op, out)));
      }
      b.addService(ServerInterceptors.intercept(svc.build(), new DtmServerInterceptor()));
    }
    try {
      server = b.build().start();
    } catch (IOException e) {
      throw new IOException("DTM ceiling: cannot start the no-op branch services on 127.0.0.1: " + e.getMessage(), e);
    }
    String target = "127.0.0.1:" + server.getPort();
    byte[] payload = "{\"orderId\":\"bench-ceiling\",\"userId\":1,\"productId\":1,\"quantity\":1}"
        .getBytes(StandardCharsets.UTF_8);
    for (String service : SERVICES) {
      branches.add(TccBranch.of(target, service, payload));
    }
    dtm = DtmClient.connect(config);
  }

  private static MethodDescriptor<byte[], byte[]> method(String service, BranchOp op) {
    return MethodDescriptor.<byte[], byte[]>newBuilder().setType(MethodDescriptor.MethodType.UNARY)
        .setFullMethodName(service + "/" + op.methodName()).setRequestMarshaller(BYTES).setResponseMarshaller(BYTES)
        .build();
  }

  private void answer(BranchOp op, StreamObserver<byte[]> out) {
    if (op == BranchOp.CONFIRM) {
      confirms.incrementAndGet();
      Pending p = pending.get(BranchContext.current().gid());
      if (p != null && p.left.decrementAndGet() == 0) {
        p.confirmed.complete(null);
      }
    }
    out.onNext(new byte[0]);
    out.onCompleted();
  }

  /** One transaction, complete when DTM has called its 4 Confirms. */
  private CompletableFuture<Void> transaction() {
    String gid = "bench-ceiling-" + runId + "-" + sequence.incrementAndGet();
    Pending p = new Pending();
    pending.put(gid, p);
    CompletableFuture<Void> f = dtm.prepare(gid, options).thenCompose(v -> {
      List<CompletableFuture<byte[]>> tries = new ArrayList<>();
      for (int i = 0; i < branches.size(); i++) {
        String id = DtmClient.branchId(i + 1);
        TccBranch br = branches.get(i);
        tries.add(dtm.registerBranch(gid, id, br).thenCompose(x -> dtm.callTry(gid, id, br, options)));
      }
      return CompletableFuture.allOf(tries.toArray(CompletableFuture[]::new));
    }).thenCompose(v -> dtm.submit(gid, options)).thenCompose(v -> p.confirmed)
        .orTimeout(TX_TIMEOUT_SECONDS, TimeUnit.SECONDS);
    return f.whenComplete((v, e) -> pending.remove(gid));
  }

  /** Transactions as fast as possible with {@code inFlight} in flight for {@code seconds}. */
  Run measure(int inFlight, double seconds) throws InterruptedException {
    Semaphore slots = new Semaphore(inFlight);
    AtomicLong done = new AtomicLong();
    AtomicLong failed = new AtomicLong();
    long start = System.nanoTime();
    long end = start + (long) (seconds * 1e9);
    long started = 0;
    while (System.nanoTime() < end) {
      if (!slots.tryAcquire(100, TimeUnit.MILLISECONDS)) {
        continue;
      }
      started++;
      transaction().whenComplete((v, e) -> {
        if (e != null) {
          failed.incrementAndGet();
        } else if (System.nanoTime() <= end) {
          done.incrementAndGet();
        }
        slots.release();
      });
    }
    // Let the ones in flight finish (their Confirms would otherwise land in the next run).
    slots.tryAcquire(inFlight, TX_TIMEOUT_SECONDS + 5, TimeUnit.SECONDS);
    return new Run(inFlight, seconds, started, done.get(), failed.get(), done.get() / seconds);
  }

  /**
   * Warm-up, a short probe at each level of {@code levels}, then {@code runs} runs of {@code seconds}
   * at the best level; the result's figure is their median.
   */
  Result measureCeiling(String store, String scenario, List<Integer> levels, double warmSeconds, double probeSeconds,
      int runs, double seconds, PrintStream out) throws InterruptedException {
    out.printf("[bench] DTM ceiling (DTM on %s, no-op branches on %s): warm-up %.0f s%n", store,
        branches.get(0).target(), warmSeconds);
    measure(levels.get(0), warmSeconds);
    List<Probe> probes = new ArrayList<>();
    for (int level : levels) {
      Run r = measure(level, probeSeconds);
      probes.add(new Probe(level, r.perSecond()));
      out.printf("[bench]   ceiling probe: %d in flight -> %.1f tx/s (%d failed)%n", level, r.perSecond(), r.failed());
    }
    int best = bestInFlight(probes);
    List<Run> measured = new ArrayList<>();
    List<Double> rates = new ArrayList<>();
    for (int i = 1; i <= runs; i++) {
      Run r = measure(best, seconds);
      measured.add(r);
      rates.add(r.perSecond());
      out.printf("[bench]   ceiling %d/%d at %d in flight: %.1f tx/s over %.0f s (%d done, %d failed)%n", i, runs, best,
          r.perSecond(), r.seconds(), r.done(), r.failed());
    }
    double median = Percentiles.median(rates);
    if (median <= 0) {
      throw new IllegalStateException("DTM ceiling: no transaction completed through DTM at "
          + dtm.config().grpcTarget() + " (is DTM up, and can it reach " + branches.get(0).target() + "?)");
    }
    return new Result(store, probes, best, measured, median, scenario, java.time.Instant.now().toString());
  }

  /** The in-flight level of the fastest probe; on a tie, the smaller level. */
  static int bestInFlight(List<Probe> probes) {
    if (probes.isEmpty()) {
      throw new IllegalArgumentException("no probe to choose from");
    }
    return probes.stream().max(Comparator.comparingDouble(Probe::perSecond)
        .thenComparing(Probe::inFlight, Comparator.reverseOrder())).orElseThrow().inFlight();
  }

  /**
   * The no-overhead bound: the throughput if the pipeline added nothing to DTM's own cost per
   * transaction (1/ceiling) and the business work's own cost per order (1/baseline). 0 when either
   * figure is missing.
   */
  static double bound(double ceiling, double baseline) {
    if (ceiling <= 0 || baseline <= 0) {
      return 0;
    }
    return 1 / (1 / ceiling + 1 / baseline);
  }

  /** pipeline / bound, 0 without a bound. */
  static double boundRatio(double pipeline, double bound) {
    return bound > 0 ? pipeline / bound : 0;
  }

  /** Confirms received so far (all runs). */
  long confirms() {
    return confirms.get();
  }

  @Override
  public void close() throws InterruptedException {
    dtm.close();
    server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
  }
}
