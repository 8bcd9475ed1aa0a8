package io.seckill.dtm.branch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.grpc.Status;
import io.seckill.dtm.BranchOp;
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

  private static Status.Code code(Throwable t, BranchOp op) {
    return BranchStatus.of(t, op).getCode();
  }

  @Test
  void refusalIsAbortedOnlyOnTry() {
    BusinessRefusal r = new BusinessRefusal("COUPON_USED", "coupon 9 already used");
    assertEquals(Status.Code.ABORTED, code(r, BranchOp.TRY));
    assertEquals("COUPON_USED", BranchStatus.of(r, BranchOp.TRY).getDescription());
    assertEquals(Status.Code.INTERNAL, code(r, BranchOp.CONFIRM));
    assertEquals(Status.Code.INTERNAL, code(r, BranchOp.CANCEL));
    assertEquals(Status.Code.FAILED_PRECONDITION, code(r, null));
    // Wrapped (e.g. by MyBatis) it is still found.
    assertEquals(Status.Code.ABORTED, code(new PersistenceException("x", r), BranchOp.TRY));
  }

  @Test
  void transientDatabaseTroubleIsUnavailable() {
    for (BranchOp op : BranchOp.values()) {
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
    assertEquals(Status.Code.INVALID_ARGUMENT, code(new IllegalArgumentException("quantity must be > 0"), BranchOp.TRY));
    assertEquals("quantity must be > 0", BranchStatus.of(new IllegalArgumentException("quantity must be > 0"), BranchOp.TRY).getDescription());
  }

  @Test
  void anythingElseIsInternalWithoutAStackTrace() {
    Status s = BranchStatus.of(new SQLIntegrityConstraintViolationException("Duplicate entry 'secret' for key"), BranchOp.TRY);
    assertEquals(Status.Code.INTERNAL, s.getCode());
    assertEquals("internal error: SQLIntegrityConstraintViolationException", s.getDescription());
    Status npe = BranchStatus.of(new NullPointerException(), BranchOp.CONFIRM);
    assertFalse(npe.getDescription().contains("\tat "));
  }

  @Test
  void givenStatusesPassButAbortedNeverLeavesASecondPhase() {
    Status given = Status.ABORTED.withDescription("nested refusal");
    assertEquals(Status.Code.ABORTED, code(given.asRuntimeException(), BranchOp.TRY));
    assertEquals(Status.Code.INTERNAL, code(given.asRuntimeException(), BranchOp.CONFIRM));
    assertEquals(Status.Code.UNAVAILABLE, code(Status.UNAVAILABLE.asException(), BranchOp.CANCEL));
  }

  @Test
  void refusalReasonIsValidated() {
    org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class, () -> new BusinessRefusal("sold out", "x"));
    org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class, () -> new BranchBarrier("barrier; drop table x"));
    assertEquals("dtm_barrier.barrier", new BranchBarrier("dtm_barrier.barrier").table());
  }

  @Test
  void opWireNames() {
    assertEquals(BranchOp.CANCEL, BranchOp.fromWire("cancel"));
    assertEquals("confirm", BranchOp.CONFIRM.wire());
    org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class, () -> BranchOp.fromWire("Try"));
  }
}
