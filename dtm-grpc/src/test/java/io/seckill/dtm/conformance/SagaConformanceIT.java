package io.seckill.dtm.conformance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.zaxxer.hikari.HikariDataSource;
import io.grpc.Status;
import io.seckill.dtm.BranchOp;
import io.seckill.dtm.branch.BarrierOutcome;
import io.seckill.dtm.client.DtmClient;
import io.seckill.dtm.client.DtmClientConfig;
import io.seckill.dtm.client.DtmTransaction;
import io.seckill.dtm.client.GlobalStatus;
import io.seckill.dtm.client.TransOptions;
import io.seckill.dtm.conformance.TestBranchServer.Mode;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Sagas through the real DTM server with real saga branches (barrier in MariaDB): the "pivot
 * first" shape this project's payment and expiry use, and DTM's compensation of a classic saga.
 * Needs the stack (DTM and MariaDB) of {@code ./seckill up}.
 */
class SagaConformanceIT {
  private static final String RUN = Long.toString(System.currentTimeMillis(), 36);
  private static final Duration WAIT = Duration.ofSeconds(30);

  private static DtmClient dtm;
  private static HikariDataSource db;
  private static final List<TestBranchServer> servers = new ArrayList<>();

  @BeforeAll
  static void setUp() throws Exception {
    DtmClientConfig config = TestStack.dtm();
    TestStack.requireUp(config);
    db = TestStack.dataSource();
    dtm = DtmClient.connect(config);
    for (int i = 0; i < 3; i++) {
      servers.add(new TestBranchServer(db, Mode.JDBC));
    }
  }

  @AfterAll
  static void tearDown() throws Exception {
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

  @Test
  void everyStepRunsOnceInOrder() throws Exception {
    String gid = "saga-ok-" + RUN;
    String a = newStock("ok-a", 10);
    String b = newStock("ok-b", 10);
    dtm.submitSaga(gid, List.of(servers.get(0).sagaStep(a, 2, false), servers.get(1).sagaStep(b, 3, false)),
        TransOptions.defaults().withWaitResult(true)).get(20, TimeUnit.SECONDS);
    assertEquals(GlobalStatus.SUCCEED, awaitStatus(gid, GlobalStatus.SUCCEED).status());
    assertStock(a, 8, 2);
    assertStock(b, 7, 3);
    assertEquals(1, TestStack.ops(db, gid, "01", "action"));
    assertEquals(1, TestStack.ops(db, gid, "02", "action"));
    // Submitting the finished gid again does nothing and says so.
    ExecutionException again = assertThrows(ExecutionException.class, () -> dtm.submitSaga(gid,
        List.of(servers.get(0).sagaStep(a, 2, false)), TransOptions.defaults()).get(10, TimeUnit.SECONDS));
    assertTrue(DtmClient.isFinishedElsewhere(again), String.valueOf(again.getCause()));
    assertStock(a, 8, 2);
  }

  @Test
  void aRefusingPivotEndsTheSagaBeforeAnyLaterStep() throws Exception {
    String gid = "saga-pivot-" + RUN;
    String pivot = newStock("pivot", 1); // the pivot wants 3: it refuses
    String later = newStock("later", 10);
    ExecutionException e = assertThrows(ExecutionException.class, () -> dtm.submitSaga(gid,
        List.of(servers.get(0).sagaStep(pivot, 3, false), servers.get(1).sagaStep(later, 1, false)),
        TransOptions.defaults().withWaitResult(true)).get(20, TimeUnit.SECONDS));
    assertEquals(Status.Code.ABORTED, Status.fromThrowable(e.getCause()).getCode());
    DtmTransaction t = awaitStatus(gid, GlobalStatus.FAILED);
    assertTrue(t.rollbackReason().contains("SOLD_OUT"), t.rollbackReason());
    assertStock(pivot, 1, 0);
    assertStock(later, 10, 0);
    assertEquals(0, TestStack.ops(db, gid, "02", "action"), "the step after a refusing pivot must never run");
    assertTrue(servers.get(1).events(gid).isEmpty(), "DTM called the later step: " + servers.get(1).events(gid));
  }

  @Test
  void aLaterRefusalCompensatesTheEarlierStepsAndTheRefusingOneIsANullCompensation() throws Exception {
    String gid = "saga-comp-" + RUN;
    String first = newStock("comp-a", 10);
    String refusing = newStock("comp-b", 0);
    assertThrows(ExecutionException.class, () -> dtm.submitSaga(gid,
        List.of(servers.get(0).sagaStep(first, 4, true), servers.get(1).sagaStep(refusing, 1, true)),
        TransOptions.defaults().withWaitResult(true)).get(20, TimeUnit.SECONDS));
    awaitStatus(gid, GlobalStatus.FAILED);
    assertStock(first, 10, 0);
    assertStock(refusing, 0, 0);
    assertEquals(1, TestStack.ops(db, gid, "01", "action"));
    assertEquals(1, TestStack.ops(db, gid, "01", "compensate"));
    assertEquals(0, TestStack.ops(db, gid, "02", "compensate"));
    awaitEvent(servers.get(1), gid, BranchOp.COMPENSATE, BarrierOutcome.NULL_COMPENSATION);
    assertEquals(List.of("action/compensate", "compensate/compensate"), TestStack.barrierRows(db, gid, "02"));
  }

  @Test
  void aStepThatFailsIsRetriedByDtmUntilItSucceeds() throws Exception {
    String gid = "saga-retry-" + RUN;
    String stock = newStock("retry", 5);
    TestBranchServer s = servers.get(2);
    AtomicBoolean failedOnce = new AtomicBoolean();
    s.hook = (op, ctx) -> {
      if (ctx.gid().equals(gid) && failedOnce.compareAndSet(false, true)) {
        throw new IllegalStateException("injected: the first delivery fails");
      }
    };
    try {
      dtm.submitSaga(gid, List.of(s.sagaStep(stock, 1, false)),
          TransOptions.defaults().withRetryInterval(Duration.ofSeconds(1))).get(10, TimeUnit.SECONDS);
      assertEquals(GlobalStatus.SUCCEED, awaitStatus(gid, GlobalStatus.SUCCEED).status());
      assertStock(stock, 4, 1);
      assertTrue(failedOnce.get(), "the injected failure never happened");
      assertEquals(1, TestStack.ops(db, gid, "01", "action"));
    } finally {
      s.hook = (op, ctx) -> { };
    }
  }

  private static String newStock(String name, int available) throws SQLException {
    String full = name + "-" + RUN;
    try (Connection c = db.getConnection();
         PreparedStatement ps = c.prepareStatement("INSERT INTO stock (name, available) VALUES (?, ?)")) {
      ps.setString(1, full);
      ps.setInt(2, available);
      ps.executeUpdate();
    }
    return full;
  }

  private static void assertStock(String fullName, int available, int sold) throws SQLException {
    try (Connection c = db.getConnection();
         PreparedStatement ps = c.prepareStatement("SELECT available, frozen, sold FROM stock WHERE name = ?")) {
      ps.setString(1, fullName);
      try (ResultSet rs = ps.executeQuery()) {
        assertTrue(rs.next(), "no stock row " + fullName);
        assertEquals(List.of(available, 0, sold), List.of(rs.getInt(1), rs.getInt(2), rs.getInt(3)),
            "stock " + fullName + " (available, frozen, sold)");
      }
    }
  }

  private static DtmTransaction awaitStatus(String gid, GlobalStatus expected) throws Exception {
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

  private static void awaitEvent(TestBranchServer s, String gid, BranchOp op, BarrierOutcome outcome)
      throws InterruptedException {
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
