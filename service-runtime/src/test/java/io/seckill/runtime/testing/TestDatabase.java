package io.seckill.runtime.testing;

import io.seckill.runtime.Database;
import io.seckill.runtime.ServiceConfig;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A service's real database for tests, opened from the service's own properties file with the same
 * env overrides the service uses (so SECKILL_DB_HOST/PORT/USER/PASSWORD point tests at the stack), plus
 * plain JDBC helpers to arrange and inspect rows.
 */
public final class TestDatabase implements AutoCloseable {
  private final Database database;
  private final ServiceConfig config;

  private TestDatabase(Database database, ServiceConfig config) {
    this.database = database;
    this.config = config;
  }

  /**
   * Opens {@code <name>.properties}'s database with {@code mappers}, as the operator's owner account
   * (SECKILL_DB_USER / SECKILL_DB_PASSWORD, default seckill/seckill, like every other test fixture):
   * the shipped files name the service's own DML-only user and carry no password, and fixtures
   * arrange rows the service itself may not (other tests' ids, cleanup).
   */
  public static TestDatabase open(String name, String envPrefix, Class<?>... mappers) {
    ServiceConfig config = ServiceConfig.load(name + ".properties", envPrefix)
        .with(Map.of(ServiceConfig.DB_USER.name(), ownerEnv("SECKILL_DB_USER"),
            ServiceConfig.DB_PASSWORD.name(), ownerEnv("SECKILL_DB_PASSWORD")))
        .validate();
    return new TestDatabase(Database.open(config, name + "-test", mappers), config);
  }

  private static String ownerEnv(String key) {
    String value = System.getenv(key);
    return value == null || value.isBlank() ? "seckill" : value;
  }

  /** The database, as the service would use it. */
  public Database database() {
    return database;
  }

  /** The validated service config the database came from. */
  public ServiceConfig config() {
    return config;
  }

  /** Runs one parameterized statement; returns the affected row count. */
  public int update(String sql, Object... args) {
    try (Connection c = database.dataSource().getConnection(); PreparedStatement ps = prepare(c, sql, args)) {
      int n = ps.executeUpdate();
      if (!c.getAutoCommit()) {
        c.commit(); // the service's pool hands out manual-commit connections
      }
      return n;
    } catch (SQLException e) {
      throw new IllegalStateException(sql, e);
    }
  }

  /** The rows of one parameterized query, as column label to value maps. */
  public List<Map<String, Object>> query(String sql, Object... args) {
    try (Connection c = database.dataSource().getConnection(); PreparedStatement ps = prepare(c, sql, args);
        ResultSet rs = ps.executeQuery()) {
      List<Map<String, Object>> rows = new ArrayList<>();
      int n = rs.getMetaData().getColumnCount();
      while (rs.next()) {
        Map<String, Object> row = new LinkedHashMap<>();
        for (int i = 1; i <= n; i++) {
          row.put(rs.getMetaData().getColumnLabel(i), rs.getObject(i));
        }
        rows.add(row);
      }
      return rows;
    } catch (SQLException e) {
      throw new IllegalStateException(sql, e);
    }
  }

  /** The only row of a query, if any. */
  public Optional<Map<String, Object>> row(String sql, Object... args) {
    List<Map<String, Object>> rows = query(sql, args);
    if (rows.size() > 1) {
      throw new IllegalStateException("more than one row: " + sql);
    }
    return rows.stream().findFirst();
  }

  /** The first column of the only row, as a long (a count, a counter). */
  public long number(String sql, Object... args) {
    Map<String, Object> row = row(sql, args).orElseThrow(() -> new IllegalStateException("no row: " + sql));
    return ((Number) row.values().iterator().next()).longValue();
  }

  /** The barrier rows of {@code gid}, as op to reason. */
  public Map<String, String> barrier(String gid) {
    Map<String, String> ops = new LinkedHashMap<>();
    for (Map<String, Object> r : query("SELECT op, reason FROM barrier WHERE gid = ? ORDER BY id", gid)) {
      ops.put((String) r.get("op"), (String) r.get("reason"));
    }
    return ops;
  }

  /** Deletes the barrier rows of gids starting with {@code prefix}. */
  public void deleteBarrier(String gidPrefix) {
    update("DELETE FROM barrier WHERE gid LIKE ?", gidPrefix + "%");
  }

  private static PreparedStatement prepare(Connection c, String sql, Object... args) throws SQLException {
    PreparedStatement ps = c.prepareStatement(sql);
    for (int i = 0; i < args.length; i++) {
      ps.setObject(i + 1, args[i]);
    }
    return ps;
  }

  /** Closes the pool. */
  @Override
  public void close() {
    database.close();
  }
}
