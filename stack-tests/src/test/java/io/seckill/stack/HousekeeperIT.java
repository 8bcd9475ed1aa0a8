package io.seckill.stack;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The housekeeper's purge of DTM's MySQL tables against the stack's MariaDB, with DTM's own account:
 * finished transactions (succeed, failed) older than the retention go with their branch rows, in
 * batches smaller than the backlog; unfinished ones and recent ones stay, whatever their age.
 */
class HousekeeperIT {

  @Test
  void finishedTransactionsPastTheRetentionGoWithTheirBranchesAndNothingElse(@TempDir Path stack) throws Exception {
    Path secrets = StackEnv.stackDir().resolve("secrets");
    assertTrue(Files.isReadable(secrets.resolve("db-dtm.password")),
        "no " + secrets.resolve("db-dtm.password") + ": the stack's secrets are missing (./seckill up)");
    Files.createDirectories(stack.resolve("logs"));
    Files.createSymbolicLink(stack.resolve("secrets"), secrets);
    String tag = "hk-it-" + Long.toString(ThreadLocalRandom.current().nextLong(1L << 40), 36) + "-";
    Map<String, String> expected = new TreeMap<>();
    try (Connection db = DriverManager.getConnection(StackEnv.jdbcUrl("dtm"), StackEnv.dbUser(), StackEnv.dbPassword())) {
      // Five old finished ones (two batches of 3 are needed), one old but unfinished, two recent finished.
      for (int i = 0; i < 5; i++) {
        insert(db, tag + "old-ok-" + i, i % 2 == 0 ? "succeed" : "failed", 8 * 24 * 3600);
        expected.put(tag + "old-ok-" + i, "gone");
      }
      insert(db, tag + "old-prepared", "prepared", 8 * 24 * 3600);
      expected.put(tag + "old-prepared", "kept");
      insert(db, tag + "recent-0", "succeed", 60);
      insert(db, tag + "recent-1", "failed", 3600);
      expected.put(tag + "recent-0", "kept");
      expected.put(tag + "recent-1", "kept");
      try {
        ProcessBuilder pb = new ProcessBuilder("bash", StackEnv.repoRoot().resolve("stack/housekeeper.sh").toString(),
            stack.toString(), "--once").redirectErrorStream(true);
        pb.environment().put("SECKILL_DTM_STORE", "mysql");
        pb.environment().put("SECKILL_DTM_FINISHED_EXPIRE_S", Integer.toString(7 * 24 * 3600));
        pb.environment().put("SECKILL_HOUSEKEEPING_DTM_BATCH", "3");
        pb.environment().put("SECKILL_DB_PORT", Integer.toString(StackEnv.dbPort()));
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "one housekeeping pass ends");
        assertEquals(0, p.exitValue(), out);
        assertTrue(out.matches("(?s).*deleted \\d+ finished DTM transactions older than 604800 s.*"), out);

        Map<String, String> found = new TreeMap<>();
        for (String gid : expected.keySet()) {
          found.put(gid, count(db, "trans_global", gid) == 1 && count(db, "trans_branch_op", gid) == 2 ? "kept"
              : count(db, "trans_global", gid) == 0 && count(db, "trans_branch_op", gid) == 0 ? "gone" : "partly");
        }
        assertEquals(expected, found, out);
      } finally {
        for (String table : List.of("trans_branch_op", "trans_global")) {
          try (PreparedStatement ps = db.prepareStatement("DELETE FROM " + table + " WHERE gid LIKE ?")) {
            ps.setString(1, tag + "%");
            ps.executeUpdate();
          }
        }
      }
    }
  }

  private static void insert(Connection db, String gid, String status, int ageSeconds) throws SQLException {
    try (PreparedStatement ps = db.prepareStatement("INSERT INTO trans_global (gid, trans_type, status, query_prepared,"
        + " protocol, create_time, update_time) VALUES (?, 'tcc', ?, '', 'grpc', NOW() - INTERVAL ? SECOND,"
        + " NOW() - INTERVAL ? SECOND)")) {
      ps.setString(1, gid);
      ps.setString(2, status);
      ps.setInt(3, ageSeconds);
      ps.setInt(4, ageSeconds);
      ps.executeUpdate();
    }
    try (PreparedStatement ps = db.prepareStatement("INSERT INTO trans_branch_op (gid, url, branch_id, op, status,"
        + " update_time) VALUES (?, 'order:9001/x', '01', ?, 'succeed', NOW() - INTERVAL ? SECOND)")) {
      for (String op : List.of("try", "confirm")) {
        ps.setString(1, gid);
        ps.setString(2, op);
        ps.setInt(3, ageSeconds);
        ps.addBatch();
      }
      ps.executeBatch();
    }
  }

  private static int count(Connection db, String table, String gid) throws SQLException {
    try (PreparedStatement ps = db.prepareStatement("SELECT COUNT(*) FROM " + table + " WHERE gid = ?")) {
      ps.setString(1, gid);
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        return rs.getInt(1);
      }
    }
  }
}
