package io.seckill.dtm.conformance;

import io.grpc.MethodDescriptor;
import io.grpc.Server;
import io.grpc.ServerInterceptors;
import io.grpc.ServerServiceDefinition;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.ServerCalls;
import io.grpc.stub.StreamObserver;
import io.seckill.dtm.BranchOp;
import io.seckill.dtm.RawBytes;
import io.seckill.dtm.branch.BarrierOutcome;
import io.seckill.dtm.branch.BranchBarrier;
import io.seckill.dtm.branch.BranchContext;
import io.seckill.dtm.branch.BranchStatus;
import io.seckill.dtm.branch.BusinessRefusal;
import io.seckill.dtm.branch.DtmServerInterceptor;
import io.seckill.dtm.client.SagaStep;
import io.seckill.dtm.client.TccBranch;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;
import javax.sql.DataSource;
import org.apache.ibatis.mapping.Environment;
import org.apache.ibatis.session.Configuration;
import org.apache.ibatis.session.SqlSessionFactory;
import org.apache.ibatis.session.SqlSessionFactoryBuilder;
import org.apache.ibatis.transaction.jdbc.JdbcTransactionFactory;

/**
 * A tiny TCC branch service on 127.0.0.1 (a real Netty server DTM reaches over TCP): Try freezes
 * units of a stock row, Confirm sells them, Cancel releases them, each inside the barrier. Beside
 * it, a saga service: Sell (action) sells available units at once, Unsell (compensate) gives them
 * back. The payload is {@code "<stock name>:<quantity>"} in UTF-8, so no generated types are needed.
 */
final class TestBranchServer implements AutoCloseable {
  static final String SERVICE = "dtmtest.Stock";
  static final String SAGA_SERVICE = "dtmtest.StockSaga";

  enum Mode { JDBC, MYBATIS }

  /** One handled call: what the barrier decided. */
  record Event(String gid, String branchId, BranchOp op, BarrierOutcome outcome) { }

  private static final MethodDescriptor.Marshaller<byte[]> BYTES = RawBytes.MARSHALLER;

  private final DataSource dataSource;
  private final SqlSessionFactory sessions;
  private final Mode mode;
  private final BranchBarrier barrier = new BranchBarrier();
  private final int port;
  private final List<Event> events = Collections.synchronizedList(new ArrayList<>());
  /** Runs before the barrier in every call: tests inject delays or failures here. */
  volatile BiConsumer<BranchOp, BranchContext> hook = (op, ctx) -> { };
  /** Off for the benchmark: then each call is exactly the barrier plus one UPDATE. */
  volatile boolean logOps = true;
  /** Off for the benchmark: the event list would grow without bound. */
  volatile boolean recordEvents = true;
  private Server server;

  TestBranchServer(DataSource dataSource, Mode mode) throws IOException {
    this.dataSource = dataSource;
    this.mode = mode;
    Configuration cfg = new Configuration(new Environment("test", new JdbcTransactionFactory(), dataSource));
    cfg.addMapper(StockMapper.class);
    this.sessions = new SqlSessionFactoryBuilder().build(cfg);
    this.port = freePort();
    start();
  }

  static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  static MethodDescriptor<byte[], byte[]> method(BranchOp op) {
    return method(SERVICE + "/" + op.methodName());
  }

  static MethodDescriptor<byte[], byte[]> method(String fullName) {
    return MethodDescriptor.<byte[], byte[]>newBuilder().setType(MethodDescriptor.MethodType.UNARY)
        .setFullMethodName(fullName).setRequestMarshaller(BYTES).setResponseMarshaller(BYTES)
        .build();
  }

  /** (Re)starts the server on its fixed port. */
  synchronized void start() throws IOException {
    ServerServiceDefinition.Builder svc = ServerServiceDefinition.builder(SERVICE);
    for (BranchOp op : new BranchOp[] {BranchOp.TRY, BranchOp.CONFIRM, BranchOp.CANCEL}) {
      svc.addMethod(method(op), ServerCalls.asyncUnaryCall((req, out) -> handle(op, req, out)));
    }
    ServerServiceDefinition.Builder saga = ServerServiceDefinition.builder(SAGA_SERVICE);
    for (String m : new String[] {"Sell", "Unsell"}) {
      saga.addMethod(method(SAGA_SERVICE + "/" + m), ServerCalls.asyncUnaryCall((req, out) -> handleSaga(m, req, out)));
    }
    DtmServerInterceptor dtm = new DtmServerInterceptor();
    server = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", port))
        .addService(ServerInterceptors.intercept(svc.build(), dtm))
        .addService(ServerInterceptors.intercept(saga.build(), dtm))
        .build().start();
  }

  /** Stops the server (the port stays reserved for {@link #start}). */
  synchronized void stop() throws InterruptedException {
    server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
  }

  String target() {
    return "127.0.0.1:" + port;
  }

  TccBranch branch(String stock, int quantity) {
    return TccBranch.of(target(), SERVICE, (stock + ":" + quantity).getBytes(StandardCharsets.UTF_8));
  }

  /** A saga step selling {@code quantity} units of {@code stock}, undone by Unsell when {@code compensated}. */
  SagaStep sagaStep(String stock, int quantity, boolean compensated) {
    byte[] payload = (stock + ":" + quantity).getBytes(StandardCharsets.UTF_8);
    return new SagaStep(target(), SAGA_SERVICE + "/Sell", compensated ? SAGA_SERVICE + "/Unsell" : "", payload);
  }

  List<Event> events(String gid) {
    synchronized (events) {
      return events.stream().filter(e -> e.gid().equals(gid)).toList();
    }
  }

  private void handle(BranchOp op, byte[] req, StreamObserver<byte[]> out) {
    BranchStatus.respond(out, () -> {
      BranchContext ctx = BranchContext.current();
      hook.accept(op, ctx);
      String[] p = new String(req, StandardCharsets.UTF_8).split(":");
      String stock = p[0];
      int q = Integer.parseInt(p[1]);
      BarrierOutcome outcome = mode == Mode.JDBC ? viaJdbc(ctx, stock, q) : viaMyBatis(ctx, stock, q);
      if (recordEvents) {
        events.add(new Event(ctx.gid(), ctx.branchId(), op, outcome));
      }
      return new byte[0];
    });
  }

  // Sell is the action (refuses SOLD_OUT), Unsell the compensation; the op comes from dtm-op.
  private void handleSaga(String method, byte[] req, StreamObserver<byte[]> out) {
    BranchStatus.respond(out, () -> {
      BranchContext ctx = BranchContext.current();
      BranchOp expected = method.equals("Sell") ? BranchOp.ACTION : BranchOp.COMPENSATE;
      if (ctx.op() != expected) {
        throw new IllegalArgumentException(method + " called with dtm-op " + ctx.op());
      }
      hook.accept(ctx.op(), ctx);
      String[] p = new String(req, StandardCharsets.UTF_8).split(":");
      String stock = p[0];
      int q = Integer.parseInt(p[1]);
      String sql = expected == BranchOp.ACTION
          ? "UPDATE stock SET available = available - ?, sold = sold + ? WHERE name = ? AND available >= ?"
          : "UPDATE stock SET sold = sold - ?, available = available + ? WHERE name = ? AND sold >= ?";
      BarrierOutcome outcome;
      try (Connection c = dataSource.getConnection()) {
        outcome = barrier.call(c, ctx, conn -> {
          int n;
          try (PreparedStatement ps = conn.prepareStatement(sql)) {
            ps.setInt(1, q);
            ps.setInt(2, q);
            ps.setString(3, stock);
            ps.setInt(4, q);
            n = ps.executeUpdate();
          }
          if (n != 1 && expected == BranchOp.ACTION) {
            throw new BusinessRefusal("SOLD_OUT", "stock " + stock + " has too few units");
          }
          if (n != 1) {
            throw new IllegalStateException("Unsell found nothing sold of " + stock);
          }
          try (PreparedStatement ps = conn.prepareStatement("INSERT INTO op_log (gid, branch_id, op) VALUES (?, ?, ?)")) {
            ps.setString(1, ctx.gid());
            ps.setString(2, ctx.branchId());
            ps.setString(3, ctx.op().wire());
            ps.executeUpdate();
          }
        });
      }
      if (recordEvents) {
        events.add(new Event(ctx.gid(), ctx.branchId(), ctx.op(), outcome));
      }
      return new byte[0];
    });
  }

  private BarrierOutcome viaJdbc(BranchContext ctx, String stock, int q) throws SQLException {
    String sql = switch (ctx.op()) {
      case TRY -> "UPDATE stock SET available = available - ?, frozen = frozen + ? WHERE name = ? AND available >= ?";
      case CONFIRM -> "UPDATE stock SET frozen = frozen - ?, sold = sold + ? WHERE name = ? AND frozen >= ?";
      case CANCEL -> "UPDATE stock SET frozen = frozen - ?, available = available + ? WHERE name = ? AND frozen >= ?";
      case ACTION, COMPENSATE -> throw new IllegalArgumentException("not a TCC op: " + ctx.op());
    };
    try (Connection c = dataSource.getConnection()) {
      return barrier.call(c, ctx, conn -> {
        int n;
        try (PreparedStatement ps = conn.prepareStatement(sql)) {
          ps.setInt(1, q);
          ps.setInt(2, q);
          ps.setString(3, stock);
          ps.setInt(4, q);
          n = ps.executeUpdate();
        }
        check(ctx, stock, n);
        if (!logOps) {
          return;
        }
        try (PreparedStatement ps = conn.prepareStatement("INSERT INTO op_log (gid, branch_id, op) VALUES (?, ?, ?)")) {
          ps.setString(1, ctx.gid());
          ps.setString(2, ctx.branchId());
          ps.setString(3, ctx.op().wire());
          ps.executeUpdate();
        }
      });
    }
  }

  private BarrierOutcome viaMyBatis(BranchContext ctx, String stock, int q) throws SQLException {
    return barrier.call(sessions, ctx, s -> {
      StockMapper m = s.getMapper(StockMapper.class);
      int n = switch (ctx.op()) {
        case TRY -> m.freeze(stock, q);
        case CONFIRM -> m.sell(stock, q);
        case CANCEL -> m.release(stock, q);
        case ACTION, COMPENSATE -> throw new IllegalArgumentException("not a TCC op: " + ctx.op());
      };
      check(ctx, stock, n);
      m.log(ctx.gid(), ctx.branchId(), ctx.op().wire());
    });
  }

  private static void check(BranchContext ctx, String stock, int updated) {
    if (updated == 1) {
      return;
    }
    if (ctx.op() == BranchOp.TRY) {
      throw new BusinessRefusal("SOLD_OUT", "stock " + stock + " has too few units");
    }
    // A second phase that finds nothing frozen means the barrier let something through: a bug.
    throw new IllegalStateException(ctx.op() + " found no frozen units of " + stock);
  }

  @Override
  public void close() throws InterruptedException {
    stop();
  }
}
