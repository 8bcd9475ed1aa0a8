package io.seckill.runtime;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.util.Properties;
import javax.sql.DataSource;
import org.apache.ibatis.mapping.Environment;
import org.apache.ibatis.session.Configuration;
import org.apache.ibatis.session.SqlSessionFactory;
import org.apache.ibatis.session.SqlSessionFactoryBuilder;
import org.apache.ibatis.transaction.jdbc.JdbcTransactionFactory;

/** A service's own database: one HikariCP pool and the MyBatis session factory over it. */
public final class Database implements AutoCloseable {
  private final HikariDataSource pool;
  private final SqlSessionFactory sessions;

  private Database(HikariDataSource pool, SqlSessionFactory sessions) {
    this.pool = pool;
    this.sessions = sessions;
  }

  /**
   * Opens the pool from the {@code db.*} settings and registers the annotated mapper interfaces.
   * Keeps trying to reach the database for {@code db.startup-wait-ms} (a service restarted while
   * MariaDB restarts must not stay down), then fails with the driver's reason, so a misconfigured
   * service still never starts.
   */
  public static Database open(ServiceConfig config, String poolName, Class<?>... mappers) {
    HikariConfig hc = new HikariConfig();
    hc.setPoolName(poolName);
    hc.setJdbcUrl(jdbcUrl(config));
    hc.setUsername(config.get(ServiceConfig.DB_USER));
    hc.setPassword(config.get(ServiceConfig.DB_PASSWORD));
    hc.setMaximumPoolSize(config.get(ServiceConfig.DB_POOL_SIZE));
    // Below DTM's 3 s branch deadline: a starved pool answers UNAVAILABLE in time for DTM to retry.
    hc.setConnectionTimeout(config.get(ServiceConfig.DB_CONNECTION_TIMEOUT_MS));
    hc.setInitializationFailTimeout(config.get(ServiceConfig.DB_STARTUP_WAIT_MS));
    // Every unit of work is a local transaction (the barrier and its business SQL), so connections
    // stay in manual-commit mode: switching autocommit off and on again around each transaction cost
    // two extra round trips per branch call (with useLocalSessionState the driver skips a no-op switch).
    hc.setAutoCommit(false);
    HikariDataSource pool = new HikariDataSource(hc);
    try {
      return new Database(pool, sessionFactory(pool, mappers));
    } catch (RuntimeException e) {
      pool.close();
      throw e;
    }
  }

  /** The JDBC URL the {@code db.*} settings describe. */
  public static String jdbcUrl(ServiceConfig config) {
    String params = config.get(ServiceConfig.DB_PARAMS);
    return "jdbc:mysql://" + config.get(ServiceConfig.DB_HOST) + ":"
        + config.get(ServiceConfig.DB_PORT) + "/" + config.get(ServiceConfig.DB_NAME)
        + (params.isEmpty() ? "" : "?" + params);
  }

  /** A MyBatis session factory over {@code dataSource} with the given annotated mappers. */
  public static SqlSessionFactory sessionFactory(DataSource dataSource, Class<?>... mappers) {
    JdbcTransactionFactory transactions = new JdbcTransactionFactory();
    // Connections come from the pool in manual-commit mode and go back to it so; MyBatis must not
    // switch autocommit on when a session closes (the pool rolls back anything left uncommitted).
    Properties props = new Properties();
    props.setProperty("skipSetAutoCommitOnClose", "true");
    transactions.setProperties(props);
    Configuration configuration = new Configuration(new Environment("service", transactions, dataSource));
    configuration.setMapUnderscoreToCamelCase(true);
    for (Class<?> mapper : mappers) {
      configuration.addMapper(mapper);
    }
    return new SqlSessionFactoryBuilder().build(configuration);
  }

  /** The MyBatis session factory; the barrier opens its transactions from it. */
  public SqlSessionFactory sessions() {
    return sessions;
  }

  /** The pooled data source, for JDBC-level tools and tests. */
  public DataSource dataSource() {
    return pool;
  }

  /** Closes the pool; in-flight transactions must have finished. */
  @Override
  public void close() {
    pool.close();
  }
}
