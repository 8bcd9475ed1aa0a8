package io.seckill.dtm.conformance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.zaxxer.hikari.HikariDataSource;
import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientInterceptors;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.MetadataUtils;
import io.seckill.dtm.DtmHeaders;
import io.seckill.dtm.BranchOp;
import io.seckill.dtm.branch.BarrierOutcome;
import io.seckill.dtm.client.DtmClient;
import io.seckill.dtm.client.DtmClientConfig;
import io.seckill.dtm.client.DtmTransaction;
import io.seckill.dtm.client.GlobalStatus;
import io.seckill.dtm.client.TccBranch;
import io.seckill.dtm.tcc.TccOutcome;
import io.seckill.dtm.conformance.TestBranchServer.Mode;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import io.seckill.dtm.client.TransOptions;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;

/**
 * The conformance suite: our client and barrier against the real DTM server (./seckill up) and
 * four in-process branch servers (two on JDBC, two on MyBatis) that DTM calls over TCP. Every case
 * asserts database rows and DTM's final status.
 */
@Tag("stack")
class ConformanceIT {
  private static final String RUN = Long.toString(System.currentTimeMillis(), 36);
  private static final Duration WAIT = Duration.ofSeconds(30);

  private static DtmClient dtm;
  private static HikariDataSource db;
  private static final List<TestBranchServer> servers = new ArrayList<>();
  private static ManagedChannel[] asDtm;
  private String test;

  @BeforeAll
  static void setUp() throws Exception {
    DtmClientConfig config = TestStack.dtm();
    TestStack.requireUp(config);
    db = TestStack.dataSource();
    dtm = DtmClient.connect(config);
    for (Mode m : new Mode[] {Mode.JDBC, Mode.MYBATIS, Mode.JDBC, Mode.MYBATIS}) {
      servers.add(new TestBranchServer(db, m));
    }
    asDtm = new ManagedChannel[servers.size()];
    for (int i = 0; i < servers.size(); i++) {
      asDtm[i] = Grpc.newChannelBuilder(servers.get(i).target(), InsecureChannelCredentials.create()).build();
    }
  }

  @AfterAll
  static void tearDown() throws Exception {
    if (asDtm != null) {
      for (ManagedChannel ch : asDtm) {
        ch.shutdownNow();
      }
    }
    for (TestBranchServer s : servers) {
      s.close();
    }
    if (dtm != null) {
      dtm.close();
    }
    if (db != null) {
      db.close();
    }
  }

  @BeforeEach
  void name(TestInfo info) {
    test = info.getTestMethod().orElseThrow().getName();
    servers.forEach(s -> s.hook = (op, ctx) -> { });
  }

  // ------------------------------------------------------------------ cases

  @Test
  void commitOfFourBranches() throws Exception {
    String gid = gid("commit");
    List<TccBranch> branches = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      branches.add(servers.get(i).branch(newStock("s" + i, 10), 2));
    }
    TccOutcome r = Tcc.run(dtm, gid, branches, TransOptions.defaults().withWaitResult(true)).get(20, TimeUnit.SECONDS);
    assertEquals(new TccOutcome.Confirmed(false), r);
    assertEquals(GlobalStatus.SUCCEED, awaitStatus(gid, GlobalStatus.SUCCEED).status());
    for (int i = 0; i < 4; i++) {
      assertStock("s" + i, 8, 0, 2);
      String b = DtmClient.branchId(i + 1);
      assertEquals(1, ops(gid, b, "try"));
      assertEquals(1, ops(gid, b, "confirm"));
      assertEquals(0, ops(gid, b, "cancel"));
    }
  }

  @Test
  void tryRefusalCancelsEveryBranchAndTheRefusingOneIsANullCompensation() throws Exception {
    String gid = gid("refuse");
    List<TccBranch> branches = List.of(
        servers.get(0).branch(newStock("a", 10), 3),
        servers.get(1).branch(newStock("b", 10), 3),
        servers.get(2).branch(newStock("c", 1), 3), // only 1 unit: this Try refuses
        servers.get(3).branch(newStock("d", 10), 3));
    TccOutcome r = Tcc.run(dtm, gid, branches, TransOptions.defaults()).get(20, TimeUnit.SECONDS);
    assertEquals(new TccOutcome.Refused("03", "SOLD_OUT"), r);
    DtmTransaction t = awaitStatus(gid, GlobalStatus.FAILED);
    assertEquals("REFUSED 03: SOLD_OUT", t.rollbackReason());
    for (String s : List.of("a", "b", "d")) {
      assertStock(s, 10, 0, 0);
    }
    assertStock("c", 1, 0, 0);
    for (String b : List.of("01", "02", "04")) {
      assertEquals(1, ops(gid, b, "try"));
      assertEquals(1, ops(gid, b, "cancel"));
    }
    assertEquals(0, ops(gid, "03", "try"));
    assertEquals(0, ops(gid, "03", "cancel"));
    // The refusing branch's Cancel ran as a null compensation: it claimed the Try's barrier slot.
    assertEquals(List.of("cancel/cancel", "try/cancel"), barrierRows(gid, "03"));
    awaitEvent(servers.get(2), gid, BranchOp.CANCEL, BarrierOutcome.NULL_COMPENSATION);
  }

  @Test
  void duplicateDeliveriesChangeNothing() throws Exception {
    TestBranchServer s = servers.get(0);
    String stock = newStock("dup", 10);
    byte[] payload = (stock + ":4").getBytes(StandardCharsets.UTF_8);
    String g1 = gid("dup-confirm");
    assertEquals(Status.Code.OK, deliver(0, g1, "01", BranchOp.TRY, payload).getCode());
    assertEquals(Status.Code.OK, deliver(0, g1, "01", BranchOp.TRY, payload).getCode());
    assertStock("dup", 6, 4, 0);
    assertEquals(Status.Code.OK, deliver(0, g1, "01", BranchOp.CONFIRM, payload).getCode());
    assertEquals(Status.Code.OK, deliver(0, g1, "01", BranchOp.CONFIRM, payload).getCode());
    assertEquals(Status.Code.OK, deliver(0, g1, "01", BranchOp.TRY, payload).getCode());
    assertStock("dup", 6, 0, 4);
    assertEquals(List.of(BarrierOutcome.EXECUTED, BarrierOutcome.DUPLICATE, BarrierOutcome.EXECUTED,
        BarrierOutcome.DUPLICATE, BarrierOutcome.DUPLICATE), outcomes(s, g1));

    String g2 = gid("dup-cancel");
    deliver(0, g2, "01", BranchOp.TRY, payload);
    assertEquals(Status.Code.OK, deliver(0, g2, "01", BranchOp.CANCEL, payload).getCode());
    assertEquals(Status.Code.OK, deliver(0, g2, "01", BranchOp.CANCEL, payload).getCode());
    assertEquals(Status.Code.OK, deliver(0, g2, "01", BranchOp.TRY, payload).getCode());
    assertStock("dup", 6, 0, 4);
    assertEquals(List.of(BarrierOutcome.EXECUTED, BarrierOutcome.EXECUTED, BarrierOutcome.DUPLICATE,
        BarrierOutcome.DUPLICATE), outcomes(s, g2));
    assertEquals(1, ops(g2, "01", "try"));
    assertEquals(1, ops(g2, "01", "cancel"));

    // And through DTM: after a committed transaction, Confirm delivered again changes nothing.
    String g3 = gid("dup-dtm");
    TccOutcome r = Tcc.run(dtm, g3, List.of(servers.get(1).branch(newStock("dup3", 5), 1)),
        TransOptions.defaults().withWaitResult(true)).get(10, TimeUnit.SECONDS);
    assertInstanceOf(TccOutcome.Confirmed.class, r);
    assertEquals(Status.Code.OK, deliver(1, g3, "01", BranchOp.CONFIRM, ("dup3-" + RUN + ":1").getBytes(StandardCharsets.UTF_8)).getCode());
    assertStock("dup3", 4, 0, 1);
    assertEquals(1, ops(g3, "01", "confirm"));
  }

  @Test
  void tryArrivingAfterItsCancelDoesNothing() throws Exception {
    String stock = newStock("hang", 10);
    byte[] payload = (stock + ":5").getBytes(StandardCharsets.UTF_8);
    for (int server : new int[] {0, 1}) { // JDBC and MyBatis
      String g = gid("hang" + server);
      assertEquals(Status.Code.OK, deliver(server, g, "01", BranchOp.CANCEL, payload).getCode());
      assertEquals(Status.Code.OK, deliver(server, g, "01", BranchOp.TRY, payload).getCode());
      assertEquals(Status.Code.OK, deliver(server, g, "01", BranchOp.CANCEL, payload).getCode());
      assertEquals(List.of(BarrierOutcome.NULL_COMPENSATION, BarrierOutcome.BLOCKED_HANGING, BarrierOutcome.DUPLICATE),
          outcomes(servers.get(server), g));
      assertEquals(0, ops(g, "01", "try"));
      assertEquals(0, ops(g, "01", "cancel"));
    }
    assertStock("hang", 10, 0, 0);
  }

  @Test
  void aRefusedTryRollsBackItsBarrierRowsOnJdbcAndMyBatis() throws Exception {
    String stock = newStock("none", 0);
    byte[] payload = (stock + ":1").getBytes(StandardCharsets.UTF_8);
    for (int server : new int[] {0, 1}) {
      String g = gid("refused" + server);
      Status s = deliver(server, g, "01", BranchOp.TRY, payload);
      assertEquals(Status.Code.ABORTED, s.getCode());
      assertEquals("SOLD_OUT", s.getDescription());
      assertEquals(List.of(), barrierRows(g, "01"), "the refused Try's barrier row must roll back with it");
      assertEquals(Status.Code.OK, deliver(server, g, "01", BranchOp.CANCEL, payload).getCode());
      assertEquals(List.of(BarrierOutcome.NULL_COMPENSATION), outcomes(servers.get(server), g));
    }
    assertStock("none", 0, 0, 0);
  }

  @Test
  void aCallWithoutDtmMetadataIsRejectedBeforeTheBarrier() throws Exception {
    Metadata md = new Metadata();
    md.put(DtmHeaders.GID, gid("nometa"));
    Channel ch = ClientInterceptors.intercept(asDtm[0], MetadataUtils.newAttachHeadersInterceptor(md));
    StatusRuntimeException e = org.junit.jupiter.api.Assertions.assertThrows(StatusRuntimeException.class,
        () -> ClientCalls.blockingUnaryCall(ch, TestBranchServer.method(BranchOp.TRY), CallOptions.DEFAULT, new byte[0]));
    assertEquals(Status.Code.INVALID_ARGUMENT, e.getStatus().getCode());
    assertEquals("missing metadata dtm-trans_type", e.getStatus().getDescription());
  }

  @Test
  void tryAndCancelRacingOnTheSameBranch() throws Exception {
    String stock = newStock("race", 1000);
    byte[] payload = (stock + ":1").getBytes(StandardCharsets.UTF_8);
    ExecutorService pool = Executors.newFixedThreadPool(8);
    try {
      List<String> gids = new ArrayList<>();
      List<Future<Status>> tries = new ArrayList<>();
      List<Future<Status>> cancels = new ArrayList<>();
      for (int i = 0; i < 40; i++) {
        String g = gid("race" + i);
        gids.add(g);
        int server = i % 2;
        CountDownLatch go = new CountDownLatch(1);
        tries.add(pool.submit(() -> {
          go.await();
          return deliver(server, g, "01", BranchOp.TRY, payload);
        }));
        cancels.add(pool.submit(() -> {
          go.await();
          return deliver(server, g, "01", BranchOp.CANCEL, payload);
        }));
        go.countDown();
      }
      for (int i = 0; i < gids.size(); i++) {
        tries.get(i).get(10, TimeUnit.SECONDS); // a failed Try is fine: the caller would abort
        Status c = cancels.get(i).get(10, TimeUnit.SECONDS);
        // A Cancel that hit a deadlock answered UNAVAILABLE; DTM would retry it, so do we.
        for (int attempt = 0; !c.isOk() && attempt < 5; attempt++) {
          c = deliver(i % 2, gids.get(i), "01", BranchOp.CANCEL, payload);
        }
        assertTrue(c.isOk(), "cancel of " + gids.get(i) + ": " + c);
      }
      for (String g : gids) {
        int t = ops(g, "01", "try");
        int c = ops(g, "01", "cancel");
        assertTrue(t <= 1 && t == c, g + ": try ran " + t + "x, cancel ran " + c + "x");
      }
      assertStock("race", 1000, 0, 0);
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void branchDownDuringConfirmIsFinishedByDtmLater() throws Exception {
    String gid = gid("down");
    TestBranchServer up = servers.get(0);
    TestBranchServer down = servers.get(1);
    TccBranch b1 = up.branch(newStock("up", 10), 1);
    TccBranch b2 = down.branch(newStock("down", 10), 1);
    // A per-transaction RetryInterval of 2 s keeps the wait short (the server-wide minimum is 10 s).
    TransOptions o = TransOptions.defaults().withRetryInterval(Duration.ofSeconds(2));
    dtm.prepare(gid, o).get(5, TimeUnit.SECONDS);
    dtm.registerBranch(gid, "01", b1).get(5, TimeUnit.SECONDS);
    dtm.registerBranch(gid, "02", b2).get(5, TimeUnit.SECONDS);
    dtm.callTry(gid, "01", b1, o).get(5, TimeUnit.SECONDS);
    dtm.callTry(gid, "02", b2, o).get(5, TimeUnit.SECONDS);
    down.stop();
    try {
      dtm.submit(gid, o).get(5, TimeUnit.SECONDS);
      Thread.sleep(1500);
      assertEquals(GlobalStatus.SUBMITTED, status(gid), "a Confirm cannot have reached the stopped branch");
      assertStock("down", 9, 1, 0);
    } finally {
      down.start();
    }
    awaitStatus(gid, GlobalStatus.SUCCEED);
    assertStock("up", 9, 0, 1);
    assertStock("down", 9, 0, 1);
    assertEquals(1, ops(gid, "01", "confirm"));
    assertEquals(1, ops(gid, "02", "confirm"));
  }

  @Test
  void callerDyingAfterPrepareIsTimedOutAndCancelledByDtm() throws Exception {
    String gid = gid("orphan");
    TccBranch b1 = servers.get(2).branch(newStock("o1", 10), 2);
    TccBranch b2 = servers.get(3).branch(newStock("o2", 10), 2);
    TransOptions o = TransOptions.defaults().withTimeoutToFail(Duration.ofSeconds(2));
    dtm.prepare(gid, o).get(5, TimeUnit.SECONDS);
    dtm.registerBranch(gid, "01", b1).get(5, TimeUnit.SECONDS);
    dtm.registerBranch(gid, "02", b2).get(5, TimeUnit.SECONDS);
    dtm.callTry(gid, "01", b1, o).get(5, TimeUnit.SECONDS);
    // ...and the caller dies here: no Try of 02, no Submit, no Abort.
    assertStock("o1", 8, 2, 0);
    awaitStatus(gid, GlobalStatus.FAILED);
    assertStock("o1", 10, 0, 0);
    assertStock("o2", 10, 0, 0);
    assertEquals(1, ops(gid, "01", "cancel"));
    assertEquals(List.of("cancel/cancel", "try/cancel"), barrierRows(gid, "02"));
  }

  /** The protocol steps a rerun of a gid repeats. */
  enum Step { PREPARE, REGISTER_SAME, REGISTER_NEW, SUBMIT, ABORT }

  @Test
  void gidRerunInEveryStatus() throws Exception {
    // Branches whose target has no server: DTM's Confirm/Cancel of them fail, so submitted and
    // aborting stay put long enough to observe. Their gids are force-stopped at the end.
    TccBranch dead = TccBranch.of("127.0.0.1:" + TestBranchServer.freePort(), TestBranchServer.SERVICE,
        "nothing:1".getBytes(StandardCharsets.UTF_8));
    TccBranch live = servers.get(0).branch(newStock("rerun", 1000), 1);
    TransOptions o = TransOptions.defaults();
    StringBuilder observed = new StringBuilder();
    List<String> cleanup = new ArrayList<>();
    try {
      for (GlobalStatus st : GlobalStatus.values()) {
        if (st == GlobalStatus.NONE) {
          continue; // an unknown gid is every case's start
        }
        for (Step step : Step.values()) {
          String gid = gid("rr-" + st + "-" + step);
          cleanup.add(gid);
          TccBranch b = putInStatus(gid, st, dead, live, "refused 01 SOLD_OUT");
          Status.Code code;
          try {
            CompletableFuture<Void> f = switch (step) {
              case PREPARE -> dtm.prepare(gid, o);
              case REGISTER_SAME -> dtm.registerBranch(gid, "01", b);
              case REGISTER_NEW -> dtm.registerBranch(gid, "02", dead);
              case SUBMIT -> dtm.submit(gid, o);
              case ABORT -> dtm.abort(gid, "rerun", o);
            };
            f.get(10, TimeUnit.SECONDS);
            code = Status.Code.OK;
          } catch (java.util.concurrent.ExecutionException e) {
            code = Status.fromThrowable(e.getCause()).getCode();
          }
          observed.append(st).append(' ').append(step).append(" -> ").append(code)
              .append(", then ").append(status(gid)).append('\n');
        }
      }
      String expected = """
          PREPARED PREPARE -> OK, then PREPARED
          PREPARED REGISTER_SAME -> UNKNOWN, then PREPARED
          PREPARED REGISTER_NEW -> OK, then PREPARED
          PREPARED SUBMIT -> OK, then SUBMITTED
          PREPARED ABORT -> OK, then ABORTING
          SUBMITTED PREPARE -> ABORTED, then SUBMITTED
          SUBMITTED REGISTER_SAME -> ABORTED, then SUBMITTED
          SUBMITTED REGISTER_NEW -> ABORTED, then SUBMITTED
          SUBMITTED SUBMIT -> OK, then SUCCEED
          SUBMITTED ABORT -> ABORTED, then SUBMITTED
          ABORTING PREPARE -> ABORTED, then ABORTING
          ABORTING REGISTER_SAME -> ABORTED, then ABORTING
          ABORTING REGISTER_NEW -> ABORTED, then ABORTING
          ABORTING SUBMIT -> ABORTED, then ABORTING
          ABORTING ABORT -> OK, then ABORTING
          SUCCEED PREPARE -> ABORTED, then SUCCEED
          SUCCEED REGISTER_SAME -> ABORTED, then SUCCEED
          SUCCEED REGISTER_NEW -> ABORTED, then SUCCEED
          SUCCEED SUBMIT -> ABORTED, then SUCCEED
          SUCCEED ABORT -> ABORTED, then SUCCEED
          FAILED PREPARE -> ABORTED, then FAILED
          FAILED REGISTER_SAME -> ABORTED, then FAILED
          FAILED REGISTER_NEW -> ABORTED, then FAILED
          FAILED SUBMIT -> ABORTED, then FAILED
          FAILED ABORT -> ABORTED, then FAILED
          """;
      assertEquals(expected, observed.toString());
      // DTM v1.19.0 hazard, pinned here: a second Submit of a submitted TCC marks it succeed
      // WITHOUT running the Confirms still pending (svcSubmit processes the request's empty branch
      // list). So a caller must never Submit a gid twice; the runner learns "submitted" from
      // Prepare's refusal instead and never re-submits.
      DtmTransaction resubmitted = dtm.queryNow(gid("rr-SUBMITTED-SUBMIT")).orElseThrow();
      assertEquals(GlobalStatus.SUCCEED, resubmitted.status());
      assertEquals("prepared", resubmitted.branchStatus("01", "confirm"));

      // The whole transaction run again with the same gid converges to the first outcome.
      for (GlobalStatus st : GlobalStatus.values()) {
        if (st == GlobalStatus.PREPARED || st == GlobalStatus.NONE) {
          continue; // prepared: below, with a live branch whose Try already ran; none: every other case
        }
        String gid = gid("rx-" + st);
        cleanup.add(gid);
        TccBranch b = putInStatus(gid, st, dead, live, st == GlobalStatus.FAILED ? "REFUSED 01: SOLD_OUT" : "TRY_FAILED 01: UNAVAILABLE");
        TccOutcome r = Tcc.run(dtm, gid, List.of(b), o).get(10, TimeUnit.SECONDS);
        TccOutcome want = switch (st) {
          case SUBMITTED, SUCCEED -> new TccOutcome.Confirmed(true);
          case ABORTING -> new TccOutcome.AlreadyCancelled("TRY_FAILED 01: UNAVAILABLE");
          case FAILED -> new TccOutcome.AlreadyCancelled("REFUSED 01: SOLD_OUT");
          case PREPARED, NONE -> throw new AssertionError();
        };
        assertEquals(want, r, "rerun in " + st);
      }
      // Prepared, branch registered and tried, caller crashed before Submit: the rerun commits,
      // its second RegisterBranch and Try are absorbed (DTM's duplicate, the barrier's DUPLICATE).
      String gid = gid("rx-PREPARED");
      dtm.prepare(gid, o).get(5, TimeUnit.SECONDS);
      dtm.registerBranch(gid, "01", live).get(5, TimeUnit.SECONDS);
      dtm.callTry(gid, "01", live, o).get(5, TimeUnit.SECONDS);
      TccOutcome r = Tcc.run(dtm, gid, List.of(live), o.withWaitResult(true)).get(10, TimeUnit.SECONDS);
      assertEquals(new TccOutcome.Confirmed(false), r);
      awaitStatus(gid, GlobalStatus.SUCCEED);
      assertEquals(1, ops(gid, "01", "try"));
      assertEquals(1, ops(gid, "01", "confirm"));
      assertEquals(List.of(BarrierOutcome.EXECUTED, BarrierOutcome.DUPLICATE, BarrierOutcome.EXECUTED),
          outcomes(servers.get(0), gid));
    } finally {
      for (String g : cleanup) {
        GlobalStatus st = status(g);
        if (st != null && !st.isFinal()) {
          dtm.forceStop(g).get(5, TimeUnit.SECONDS);
        }
      }
    }
  }

  /** Puts a fresh {@code gid} in {@code status} with branch 01; returns that branch. */
  private TccBranch putInStatus(String gid, GlobalStatus status, TccBranch dead, TccBranch live, String abortReason)
      throws Exception {
    TransOptions o = TransOptions.defaults();
    TccBranch b = status == GlobalStatus.SUCCEED || status == GlobalStatus.FAILED ? live : dead;
    dtm.prepare(gid, o).get(5, TimeUnit.SECONDS);
    dtm.registerBranch(gid, "01", b).get(5, TimeUnit.SECONDS);
    switch (status) {
      case PREPARED -> { }
      case SUBMITTED -> dtm.submit(gid, o).get(5, TimeUnit.SECONDS);
      case ABORTING -> dtm.abort(gid, abortReason, o).get(5, TimeUnit.SECONDS);
      case SUCCEED -> {
        dtm.callTry(gid, "01", b, o).get(5, TimeUnit.SECONDS);
        dtm.submit(gid, o.withWaitResult(true)).get(5, TimeUnit.SECONDS);
      }
      case FAILED -> dtm.abort(gid, abortReason, o.withWaitResult(true)).get(5, TimeUnit.SECONDS);
    }
    if (status != GlobalStatus.SUCCEED && status != GlobalStatus.FAILED) {
      assertEquals(status, status(gid), "setup of " + gid);
    } else {
      awaitStatus(gid, status);
    }
    return b;
  }

  // ------------------------------------------------------------------ helpers

  private String gid(String what) {
    return "dtmtest-" + RUN + "-" + what;
  }

  /** Creates stock row {@code name-RUN} with {@code available} units; returns its full name. */
  private String newStock(String name, int available) throws SQLException {
    String full = name + "-" + RUN;
    try (Connection c = db.getConnection();
         PreparedStatement ps = c.prepareStatement(
             "INSERT INTO stock (name, available) VALUES (?, ?) ON DUPLICATE KEY UPDATE available = VALUES(available), frozen = 0, sold = 0")) {
      ps.setString(1, full);
      ps.setInt(2, available);
      ps.executeUpdate();
    }
    return full;
  }

  private void assertStock(String name, int available, int frozen, int sold) throws SQLException {
    try (Connection c = db.getConnection();
         PreparedStatement ps = c.prepareStatement("SELECT available, frozen, sold FROM stock WHERE name = ?")) {
      ps.setString(1, name + "-" + RUN);
      try (ResultSet rs = ps.executeQuery()) {
        assertTrue(rs.next(), "no stock row " + name);
        assertEquals(List.of(available, frozen, sold), List.of(rs.getInt(1), rs.getInt(2), rs.getInt(3)),
            "stock " + name + " (available, frozen, sold)");
      }
    }
  }

  static int ops(String gid, String branch, String op) throws SQLException {
    return TestStack.ops(db, gid, branch, op);
  }

  static List<String> barrierRows(String gid, String branch) throws SQLException {
    return TestStack.barrierRows(db, gid, branch);
  }

  private static List<BarrierOutcome> outcomes(TestBranchServer s, String gid) {
    return s.events(gid).stream().map(TestBranchServer.Event::outcome).toList();
  }

  /** Calls a branch the way DTM does (empty dtm-dtm); returns the status instead of throwing. */
  static Status deliver(int server, String gid, String branchId, BranchOp op, byte[] payload) {
    Metadata md = new Metadata();
    md.put(DtmHeaders.GID, gid);
    md.put(DtmHeaders.TRANS_TYPE, DtmHeaders.TCC);
    md.put(DtmHeaders.BRANCH_ID, branchId);
    md.put(DtmHeaders.OP, op.wire());
    md.put(DtmHeaders.DTM, "");
    Channel ch = ClientInterceptors.intercept(asDtm[server], MetadataUtils.newAttachHeadersInterceptor(md));
    try {
      ClientCalls.blockingUnaryCall(ch, TestBranchServer.method(op),
          CallOptions.DEFAULT.withDeadlineAfter(5, TimeUnit.SECONDS), payload);
      return Status.OK;
    } catch (StatusRuntimeException e) {
      return e.getStatus();
    }
  }

  static GlobalStatus status(String gid) throws Exception {
    return dtm.queryNow(gid).map(DtmTransaction::status).orElse(null);
  }

  static DtmTransaction awaitStatus(String gid, GlobalStatus expected) throws Exception {
    long end = System.nanoTime() + WAIT.toNanos();
    Optional<DtmTransaction> t = Optional.empty();
    while (System.nanoTime() < end) {
      t = dtm.queryNow(gid);
      if (t.isPresent() && t.get().status() == expected) {
        return t.get();
      }
      Thread.sleep(200);
    }
    return fail("gid " + gid + " did not reach " + expected + " within " + WAIT + ": " + t);
  }

  private static void awaitEvent(TestBranchServer s, String gid, BranchOp op, BarrierOutcome outcome) throws InterruptedException {
    long end = System.nanoTime() + WAIT.toNanos();
    while (System.nanoTime() < end) {
      if (s.events(gid).stream().anyMatch(e -> e.op() == op && e.outcome() == outcome)) {
        return;
      }
      Thread.sleep(100);
    }
    fail("no " + op + " " + outcome + " for " + gid + ": " + s.events(gid));
  }

}
