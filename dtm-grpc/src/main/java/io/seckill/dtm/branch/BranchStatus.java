package io.seckill.dtm.branch;

import io.grpc.Status;
import io.grpc.StatusException;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.StreamObserver;
import io.seckill.dtm.BranchOp;
import java.sql.SQLException;
import java.sql.SQLNonTransientConnectionException;
import java.sql.SQLRecoverableException;
import java.sql.SQLTransientException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one place that turns a branch outcome into the gRPC status DTM reads: a Try's (or a saga
 * Action's) business refusal is ABORTED (the caller aborts, Cancels run; the saga rolls back);
 * everything else makes DTM retry, and a Confirm, Cancel or Compensate never reports a business
 * failure, since DTM would retry it forever anyway.
 *
 * <table>
 *   <caption>Mapping (the first matching row wins; causes are searched too)</caption>
 *   <tr><th>error</th><th>Try, Action</th><th>Confirm / Cancel / Compensate</th></tr>
 *   <tr><td>{@link StatusRuntimeException}, {@link StatusException}</td><td>its status</td>
 *       <td>its status, ABORTED becomes INTERNAL</td></tr>
 *   <tr><td>{@link BusinessRefusal}</td><td>ABORTED, description = reason</td>
 *       <td>INTERNAL (logged as an error: a second phase must not refuse)</td></tr>
 *   <tr><td>SQLTransientException (deadlock, lock/pool timeout), SQLNonTransientConnectionException,
 *       SQLRecoverableException, SQLState class 08 or 40</td><td colspan="2">UNAVAILABLE</td></tr>
 *   <tr><td>IllegalArgumentException</td><td colspan="2">INVALID_ARGUMENT, description = message</td></tr>
 *   <tr><td>anything else</td><td colspan="2">INTERNAL, description = exception class (logged)</td></tr>
 * </table>
 */
public final class BranchStatus {
  private static final Logger log = LoggerFactory.getLogger(BranchStatus.class);
  private static final int MAX_DESCRIPTION = 200;

  private BranchStatus() {
  }

  /** A unit of branch work that produces the reply message. */
  @FunctionalInterface
  public interface Body<T> {
    /** Does the work and returns the reply. */
    T get() throws Exception;
  }

  /**
   * Runs {@code body} and completes {@code observer} with its reply, or with the mapped status when
   * it throws (the op comes from {@link BranchContext#KEY}; none there means not a branch call).
   */
  public static <T> void respond(StreamObserver<T> observer, Body<T> body) {
    T reply;
    try {
      reply = body.get();
    } catch (Exception e) {
      observer.onError(toException(e));
      return;
    }
    observer.onNext(reply);
    observer.onCompleted();
  }

  /** The status for {@code error} in the current call's op (from {@link BranchContext#KEY}). */
  public static StatusRuntimeException toException(Throwable error) {
    BranchContext ctx = BranchContext.KEY.get();
    return toException(error, ctx == null ? null : ctx.op());
  }

  /** The status for {@code error} raised by {@code op} ({@code null}: not a TCC branch call). */
  public static StatusRuntimeException toException(Throwable error, BranchOp op) {
    return of(error, op).asRuntimeException();
  }

  /** The status for {@code error} raised by {@code op} ({@code null}: not a TCC branch call). */
  public static Status of(Throwable error, BranchOp op) {
    Status given = givenStatus(error);
    if (given != null) {
      if (given.getCode() == Status.Code.ABORTED && op != null && !op.mayRefuse()) {
        log.error("{} failed with ABORTED; reported as INTERNAL so DTM keeps retrying", op, error);
        return Status.INTERNAL.withDescription(shorten(op + " aborted: " + given.getDescription()));
      }
      return given;
    }
    BusinessRefusal refusal = find(error, BusinessRefusal.class);
    if (refusal != null) {
      if (op != null && op.mayRefuse()) {
        return Status.ABORTED.withDescription(refusal.reason());
      }
      if (op == null) {
        // Outside a transaction a refusal is an ordinary precondition failure (nothing to abort).
        return Status.FAILED_PRECONDITION.withDescription(refusal.reason());
      }
      log.error("BUG: {} refused ({}: {}); a second phase must always succeed eventually. "
          + "Reported as INTERNAL so DTM retries it", op, refusal.reason(), refusal.getMessage());
      return Status.INTERNAL.withDescription(shorten(op + " refused: " + refusal.reason()));
    }
    SQLException transientSql = transientSql(error);
    if (transientSql != null) {
      log.warn("{} hit transient database trouble: {}", op, transientSql.toString());
      return Status.UNAVAILABLE.withDescription(
          shorten("database unavailable: " + transientSql.getClass().getSimpleName()));
    }
    IllegalArgumentException bad = find(error, IllegalArgumentException.class);
    if (bad != null) {
      return Status.INVALID_ARGUMENT.withDescription(shorten(String.valueOf(bad.getMessage())));
    }
    log.error("{} failed unexpectedly", op, error);
    return Status.INTERNAL.withDescription("internal error: " + error.getClass().getSimpleName());
  }

  private static Status givenStatus(Throwable error) {
    if (error instanceof StatusRuntimeException sre) {
      return sre.getStatus();
    }
    if (error instanceof StatusException se) {
      return se.getStatus();
    }
    return null;
  }

  private static SQLException transientSql(Throwable error) {
    for (Throwable t = error; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (t instanceof SQLTransientException || t instanceof SQLNonTransientConnectionException
          || t instanceof SQLRecoverableException) {
        return (SQLException) t;
      }
      if (t instanceof SQLException sql && sql.getSQLState() != null
          && (sql.getSQLState().startsWith("08") || sql.getSQLState().startsWith("40"))) {
        return sql;
      }
    }
    return null;
  }

  private static <E extends Throwable> E find(Throwable error, Class<E> type) {
    for (Throwable t = error; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (type.isInstance(t)) {
        return type.cast(t);
      }
    }
    return null;
  }

  private static String shorten(String s) {
    return s.length() <= MAX_DESCRIPTION ? s : s.substring(0, MAX_DESCRIPTION);
  }
}
