package io.seckill.dtm.branch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.grpc.Status;
import io.seckill.dtm.TccOp;
import java.sql.SQLException;
import java.sql.SQLIntegrityConstraintViolationException;
import java.sql.SQLNonTransientConnectionException;
import java.sql.SQLRecoverableException;
import java.sql.SQLTimeoutException;
import java.sql.SQLTransactionRollbackException;
import java.sql.SQLTransientConnectionException;
import org.apache.ibatis.exceptions.PersistenceException;
import org.junit.jupiter.api.Test;

/** Every row of the status table, in each op. */
class BranchStatusTest {

  private static Status.Code code(Throwable t, TccOp op) {
    return BranchStatus.of(t, op).getCode();
  }

  @Test
  void refusalIsAbortedOnlyOnTry() {
    BusinessRefusal r = new BusinessRefusal("COUPON_USED", "coupon 9 already used");
    assertEquals(Status.Code.ABORTED, code(r, TccOp.TRY));
    assertEquals("COUPON_USED", BranchStatus.of(r, TccOp.TRY).getDescription());
    assertEquals(Status.Code.INTERNAL, code(r, TccOp.CONFIRM));
    assertEquals(Status.Code.INTERNAL, code(r, TccOp.CANCEL));
    assertEquals(Status.Code.FAILED_PRECONDITION, code(r, null));
    // Wrapped (e.g. by MyBatis) it is still found.
    assertEquals(Status.Code.ABORTED, code(new PersistenceException("x", r), TccOp.TRY));
  }

  @Test
  void transientDatabaseTroubleIsUnavailable() {
    for (TccOp op : TccOp.values()) {
      assertEquals(Status.Code.UNAVAILABLE, code(new SQLTransientConnectionException("pool timeout"), op));
      assertEquals(Status.Code.UNAVAILABLE, code(new SQLTransactionRollbackException("deadlock"), op));
      assertEquals(Status.Code.UNAVAILABLE, code(new SQLTimeoutException("lock wait"), op));
      assertEquals(Status.Code.UNAVAILABLE, code(new SQLNonTransientConnectionException("gone"), op));
      assertEquals(Status.Code.UNAVAILABLE, code(new SQLRecoverableException("reset"), op));
      assertEquals(Status.Code.UNAVAILABLE, code(new SQLException("link failure", "08S01"), op));
      assertEquals(Status.Code.UNAVAILABLE,
          code(new PersistenceException("mybatis", new SQLTransientConnectionException("t")), op));
    }
  }

  @Test
  void badInputIsInvalidArgument() {
    assertEquals(Status.Code.INVALID_ARGUMENT, code(new IllegalArgumentException("quantity must be > 0"), TccOp.TRY));
    assertEquals("quantity must be > 0", BranchStatus.of(new IllegalArgumentException("quantity must be > 0"), TccOp.TRY).getDescription());
  }

  @Test
  void anythingElseIsInternalWithoutAStackTrace() {
    Status s = BranchStatus.of(new SQLIntegrityConstraintViolationException("Duplicate entry 'secret' for key"), TccOp.TRY);
    assertEquals(Status.Code.INTERNAL, s.getCode());
    assertEquals("internal error: SQLIntegrityConstraintViolationException", s.getDescription());
    Status npe = BranchStatus.of(new NullPointerException(), TccOp.CONFIRM);
    assertFalse(npe.getDescription().contains("\tat "));
  }

  @Test
  void givenStatusesPassButAbortedNeverLeavesASecondPhase() {
    Status given = Status.ABORTED.withDescription("nested refusal");
    assertEquals(Status.Code.ABORTED, code(given.asRuntimeException(), TccOp.TRY));
    assertEquals(Status.Code.INTERNAL, code(given.asRuntimeException(), TccOp.CONFIRM));
    assertEquals(Status.Code.UNAVAILABLE, code(Status.UNAVAILABLE.asException(), TccOp.CANCEL));
  }

  @Test
  void refusalReasonIsValidated() {
    org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class, () -> new BusinessRefusal("sold out", "x"));
    org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class, () -> new BranchBarrier("barrier; drop table x"));
    assertEquals("dtm_barrier.barrier", new BranchBarrier("dtm_barrier.barrier").table());
  }

  @Test
  void opWireNames() {
    assertEquals(TccOp.CANCEL, TccOp.fromWire("cancel"));
    assertEquals("confirm", TccOp.CONFIRM.wire());
    org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class, () -> TccOp.fromWire("Try"));
  }
}
