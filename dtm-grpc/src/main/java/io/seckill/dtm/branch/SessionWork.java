package io.seckill.dtm.branch;

import org.apache.ibatis.session.SqlSession;

/** MyBatis work run by {@link BranchBarrier} in the barrier's session, inside its local transaction. */
@FunctionalInterface
public interface SessionWork {
  /** Runs mapper calls on {@code session}; must not commit, roll back or close it. */
  void run(SqlSession session);
}
