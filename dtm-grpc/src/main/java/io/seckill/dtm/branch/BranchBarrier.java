package io.seckill.dtm.branch;

import io.seckill.dtm.BranchOp;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Objects;
import java.util.regex.Pattern;
import org.apache.ibatis.session.SqlSession;
import org.apache.ibatis.session.SqlSessionFactory;
import org.apache.ibatis.transaction.managed.ManagedTransactionFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * DTM's sub-transaction barrier for TCC and Saga branches: makes every op idempotent, turns a
 * Cancel without a Try (or a Compensate without an Action) into a no-op (null compensation) and stops
 * a Try (Action) that arrives after its Cancel (Compensate) (hanging). The barrier rows and the business work commit or roll back in ONE local transaction, so
 * the barrier table must live in the business database. Thread-safe and stateless: one per service.
 *
 * <p>Each branch request makes exactly one barrier call, so the barrier id is always {@code "01"}
 * (DTM's per-request counter starts at 1). A branch that needs two local transactions is two branches.
 */
public final class BranchBarrier {
  /** DTM's barrier id for the first (and here only) barrier call of a request. */
  public static final String BARRIER_ID = "01";
  /** The default table: {@code barrier}, unqualified, in the connection's schema. */
  public static final String DEFAULT_TABLE = "barrier";

  private static final Logger log = LoggerFactory.getLogger(BranchBarrier.class);
  // The name is spliced into SQL, so only plain identifiers (optionally schema-qualified) are allowed.
  private static final Pattern TABLE_NAME =
      Pattern.compile("[A-Za-z_][A-Za-z0-9_]{0,63}(\\.[A-Za-z_][A-Za-z0-9_]{0,63})?");

  private final String table;
  private final String insertSql;
  private final String reasonSql;

  /** A barrier on table {@code barrier} in the connection's current schema. */
  public BranchBarrier() {
    this(DEFAULT_TABLE);
  }

  /** A barrier on {@code table} ({@code name} or {@code schema.name}, letters, digits, underscores). */
  public BranchBarrier(String table) {
    if (table == null || !TABLE_NAME.matcher(table).matches()) {
      throw new IllegalArgumentException("invalid barrier table name: '" + table + "'");
    }
    this.table = table;
    this.insertSql = "INSERT IGNORE INTO " + table
        + " (trans_type, gid, branch_id, op, barrier_id, reason) VALUES (?, ?, ?, ?, ?, ?)";
    // A locking read sees the row the other transaction just committed, whatever our snapshot.
    this.reasonSql = "SELECT reason FROM " + table
        + " WHERE gid = ? AND branch_id = ? AND op = ? AND barrier_id = ? LOCK IN SHARE MODE";
  }

  /** The barrier table's name as used in SQL. */
  public String table() {
    return table;
  }

  /**
   * Runs the barrier and, when it allows, {@code work} in one local transaction on {@code connection}:
   * commits on success, rolls everything back and rethrows when the barrier SQL or the work throws.
   * The connection's auto-commit is switched off for the call and restored afterwards; the caller
   * still owns (and closes) the connection.
   */
  public BarrierOutcome call(Connection connection, BranchContext ctx, JdbcWork work) throws SQLException {
    Objects.requireNonNull(connection, "connection");
    Objects.requireNonNull(ctx, "ctx");
    Objects.requireNonNull(work, "work");
    boolean autoCommit = connection.getAutoCommit();
    if (autoCommit) {
      connection.setAutoCommit(false);
    }
    try {
      BarrierOutcome outcome = enter(connection, ctx);
      if (outcome.executed()) {
        work.run(connection);
      }
      connection.commit();
      return outcome;
    } catch (SQLException | RuntimeException | Error e) {
      rollbackQuietly(connection, e);
      throw e;
    } finally {
      if (autoCommit) {
        restoreAutoCommit(connection);
      }
    }
  }

  /**
   * Runs the barrier and, when it allows, {@code work} in one MyBatis session opened with
   * autoCommit=false: the barrier SQL runs on {@code session.getConnection()}, the same transaction
   * as the mapper calls. Commits, or rolls back and rethrows; always closes the session. The
   * factory must use JDBC transactions (a managed transaction factory would never commit).
   */
  public BarrierOutcome call(SqlSessionFactory factory, BranchContext ctx, SessionWork work) throws SQLException {
    Objects.requireNonNull(factory, "factory");
    Objects.requireNonNull(ctx, "ctx");
    Objects.requireNonNull(work, "work");
    if (factory.getConfiguration().getEnvironment() != null
        && factory.getConfiguration().getEnvironment().getTransactionFactory() instanceof ManagedTransactionFactory) {
      throw new IllegalStateException("BranchBarrier needs a JdbcTransactionFactory: a managed one never commits");
    }
    try (SqlSession session = factory.openSession(false)) {
      try {
        Connection connection = session.getConnection();
        if (connection.getAutoCommit()) {
          connection.setAutoCommit(false);
        }
        BarrierOutcome outcome = enter(connection, ctx);
        if (outcome.executed()) {
          work.run(session);
        }
        // force: the barrier rows were written behind MyBatis' back, so the session may think it is clean.
        session.commit(true);
        return outcome;
      } catch (SQLException | RuntimeException | Error e) {
        try {
          session.rollback(true);
        } catch (RuntimeException rollbackFailure) {
          e.addSuppressed(rollbackFailure);
        }
        throw e;
      }
    }
  }

  /** Writes the barrier rows and decides whether the business work may run. */
  private BarrierOutcome enter(Connection c, BranchContext ctx) throws SQLException {
    BranchOp op = ctx.op();
    // A Cancel (Compensate) first claims its Try's (Action's) slot: if it gets it, the forward op
    // never ran and never will.
    BranchOp origin = op.origin().orElse(null);
    int originInserted = origin != null ? insert(c, ctx, origin.wire(), op.wire()) : 0;
    int currentInserted = insert(c, ctx, op.wire(), op.wire());
    if (origin != null && originInserted > 0) {
      log.info("null compensation: gid={} branch={} ({} before any {})", ctx.gid(), ctx.branchId(), op, origin);
      return BarrierOutcome.NULL_COMPENSATION;
    }
    if (currentInserted == 0) {
      String claimedBy = op == BranchOp.TRY || op == BranchOp.ACTION ? reason(c, ctx, op.wire()) : null;
      if (claimedBy != null && !claimedBy.equals(op.wire())) {
        log.info("hanging {} blocked: gid={} branch={} (its {} came first)", op, ctx.gid(), ctx.branchId(), claimedBy);
        return BarrierOutcome.BLOCKED_HANGING;
      }
      log.debug("duplicate {}: gid={} branch={}", op, ctx.gid(), ctx.branchId());
      return BarrierOutcome.DUPLICATE;
    }
    return BarrierOutcome.EXECUTED;
  }

  private int insert(Connection c, BranchContext ctx, String op, String reason) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(insertSql)) {
      ps.setString(1, ctx.transType());
      ps.setString(2, ctx.gid());
      ps.setString(3, ctx.branchId());
      ps.setString(4, op);
      ps.setString(5, BARRIER_ID);
      ps.setString(6, reason);
      return ps.executeUpdate();
    }
  }

  private String reason(Connection c, BranchContext ctx, String op) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(reasonSql)) {
      ps.setString(1, ctx.gid());
      ps.setString(2, ctx.branchId());
      ps.setString(3, op);
      ps.setString(4, BARRIER_ID);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? rs.getString(1) : null;
      }
    }
  }

  private static void rollbackQuietly(Connection c, Throwable cause) {
    try {
      c.rollback();
    } catch (SQLException | RuntimeException e) {
      cause.addSuppressed(e);
    }
  }

  private static void restoreAutoCommit(Connection c) {
    try {
      c.setAutoCommit(true);
    } catch (SQLException e) {
      // The pool will discard or reset a broken connection; the outcome is already decided.
      log.warn("could not restore auto-commit: {}", e.toString());
    }
  }
}
