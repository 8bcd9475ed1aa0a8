package io.seckill.dtm.branch;

import java.sql.Connection;
import java.sql.SQLException;

/** Business SQL run by {@link BranchBarrier} on the barrier's connection, inside its local transaction. */
@FunctionalInterface
public interface JdbcWork {
  /** Runs the business SQL on {@code connection}; must not commit, roll back or close it. */
  void run(Connection connection) throws SQLException;
}
