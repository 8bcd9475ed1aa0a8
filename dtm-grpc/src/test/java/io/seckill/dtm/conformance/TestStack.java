package io.seckill.dtm.conformance;

import javax.sql.DataSource;
import java.util.List;
import java.util.ArrayList;
import java.sql.ResultSet;
import java.sql.PreparedStatement;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.seckill.dtm.client.DtmClientConfig;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;

/** The real local stack (./seckill up): MariaDB and DTM, endpoints from env with the launcher's defaults. */
final class TestStack {
  static final String SCHEMA = "seckill_dtmtest";
  static final String LOCAL = "127.0.0.1";
  static final String DB_HOST = env("SECKILL_DB_HOST", "127.0.0.1");
  static final int DB_PORT = Integer.parseInt(env("SECKILL_DB_PORT", "3306"));
  static final String DB_USER = env("SECKILL_DB_USER", "seckill");
  static final String DB_PASSWORD = env("SECKILL_DB_PASSWORD", "seckill");

  private TestStack() {
  }

  /**
   * The stack's DTM: SECKILL_DTM_GRPC / SECKILL_DTM_HTTP when given, else the launcher's ports on this
   * host (36790 and 36789 unless moved), each call bounded by 10 s.
   */
  static DtmClientConfig dtm() {
    return new DtmClientConfig(env("SECKILL_DTM_GRPC", LOCAL + ":" + env("SECKILL_DTM_GRPC_PORT", "36790")),
        URI.create(env("SECKILL_DTM_HTTP", "http://" + LOCAL + ":" + env("SECKILL_DTM_HTTP_PORT", "36789"))),
        Duration.ofMillis(Long.parseLong(env("SECKILL_DTM_CALL_TIMEOUT_MS", "10000"))));
  }

  static String env(String key, String dflt) {
    String v = System.getenv(key);
    return v == null || v.isBlank() ? dflt : v;
  }

  /** Skips (not fails) the calling test class when MariaDB or DTM is not listening. */
  static void requireUp(DtmClientConfig dtm) {
    String[] hp = dtm.grpcTarget().split(":");
    URI http = dtm.httpBase();
    assertTrue(listening(DB_HOST, DB_PORT), "MariaDB not reachable at " + DB_HOST + ":" + DB_PORT + " (./seckill up)");
    assertTrue(listening(hp[0], Integer.parseInt(hp[1])), "DTM gRPC not reachable at " + dtm.grpcTarget());
    assertTrue(listening(http.getHost(), http.getPort()), "DTM HTTP not reachable at " + http);
  }

  private static boolean listening(String host, int port) {
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress(host, port), 1000);
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  /** A pool on the test schema, created (with its barrier and business tables) if missing. */
  static HikariDataSource dataSource() throws SQLException {
    HikariConfig c = new HikariConfig();
    c.setJdbcUrl("jdbc:mysql://" + DB_HOST + ":" + DB_PORT + "/?useSSL=false&allowPublicKeyRetrieval=true");
    c.setUsername(DB_USER);
    c.setPassword(DB_PASSWORD);
    c.setMaximumPoolSize(2);
    try (HikariDataSource boot = new HikariDataSource(c); Connection conn = boot.getConnection();
         Statement st = conn.createStatement()) {
      st.execute("CREATE DATABASE IF NOT EXISTS " + SCHEMA + " DEFAULT CHARACTER SET utf8mb4");
      st.execute("USE " + SCHEMA);
      // The same barrier table as every service schema in sql/*.sql.
      st.execute("""
          CREATE TABLE IF NOT EXISTS barrier (
            id BIGINT NOT NULL AUTO_INCREMENT, trans_type VARCHAR(45) NOT NULL DEFAULT '',
            gid VARCHAR(128) NOT NULL DEFAULT '', branch_id VARCHAR(128) NOT NULL DEFAULT '',
            op VARCHAR(45) NOT NULL DEFAULT '', barrier_id VARCHAR(45) NOT NULL DEFAULT '',
            reason VARCHAR(45) NOT NULL DEFAULT '',
            create_time DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
            update_time DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP ON UPDATE CURRENT_TIMESTAMP,
            PRIMARY KEY (id), UNIQUE KEY uniq_barrier (gid, branch_id, op, barrier_id)) ENGINE = InnoDB""");
      st.execute("""
          CREATE TABLE IF NOT EXISTS stock (
            name VARCHAR(64) NOT NULL PRIMARY KEY, available INT NOT NULL, frozen INT NOT NULL DEFAULT 0,
            sold INT NOT NULL DEFAULT 0,
            CONSTRAINT chk_stock CHECK (available >= 0 AND frozen >= 0 AND sold >= 0)) ENGINE = InnoDB""");
      // One row per business execution: duplicates that slipped through the barrier would show here.
      st.execute("""
          CREATE TABLE IF NOT EXISTS op_log (
            id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY, gid VARCHAR(128) NOT NULL,
            branch_id VARCHAR(128) NOT NULL, op VARCHAR(16) NOT NULL, KEY idx_gid (gid)) ENGINE = InnoDB""");
    }
    HikariConfig pool = new HikariConfig();
    pool.setJdbcUrl("jdbc:mysql://" + DB_HOST + ":" + DB_PORT + "/" + SCHEMA + "?useSSL=false&allowPublicKeyRetrieval=true");
    pool.setUsername(DB_USER);
    pool.setPassword(DB_PASSWORD);
    pool.setMaximumPoolSize(16);
    pool.setConnectionTimeout(2000);
    return new HikariDataSource(pool);
  }

  /** How many times {@code op} of the branch did its business work (the op_log rows). */
  static int ops(DataSource db, String gid, String branch, String op) throws SQLException {
    try (Connection c = db.getConnection();
         PreparedStatement ps = c.prepareStatement("SELECT COUNT(*) FROM op_log WHERE gid = ? AND branch_id = ? AND op = ?")) {
      ps.setString(1, gid);
      ps.setString(2, branch);
      ps.setString(3, op);
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        return rs.getInt(1);
      }
    }
  }

  /** The barrier rows of a branch as "op/reason", ordered by op. */
  static List<String> barrierRows(DataSource db, String gid, String branch) throws SQLException {
    List<String> rows = new ArrayList<>();
    try (Connection c = db.getConnection();
         PreparedStatement ps = c.prepareStatement(
             "SELECT op, reason FROM barrier WHERE gid = ? AND branch_id = ? ORDER BY op")) {
      ps.setString(1, gid);
      ps.setString(2, branch);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          rows.add(rs.getString(1) + "/" + rs.getString(2));
        }
      }
    }
    return rows;
  }
}
