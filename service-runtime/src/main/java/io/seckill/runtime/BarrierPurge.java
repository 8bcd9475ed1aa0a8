package io.seckill.runtime;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Deletes the service's barrier rows older than a retention (default 7 days), in small batches
 * with a pause between them, so the table stops growing without a long lock or a dent in
 * throughput. A barrier row only matters while DTM may still call a branch of its transaction
 * (retries, a late Try after a Cancel); a week is far beyond any transaction's life here.
 */
public final class BarrierPurge implements AutoCloseable {
  /** Barrier rows older than this many hours are deleted. */
  public static final String RETENTION_HOURS = "barrier.retention-hours";
  /** Seconds between two purges; 0 turns the purge off. */
  public static final String INTERVAL_SECONDS = "barrier.purge-interval-seconds";
  /** Rows deleted by one statement. */
  public static final String BATCH = "barrier.purge-batch";
  /** Pause between two batches. */
  public static final String PAUSE_MS = "barrier.purge-pause-ms";

  private static final Logger log = LoggerFactory.getLogger(BarrierPurge.class);

  private final DataSource dataSource;
  private final Duration retention;
  private final int batch;
  private final long pauseMs;
  private final Duration interval;
  private ScheduledExecutorService timer;

  /** A purge of {@code dataSource}'s {@code barrier} table every {@code interval} (zero: never on its own). */
  public BarrierPurge(DataSource dataSource, Duration retention, int batch, long pauseMs, Duration interval) {
    this.dataSource = dataSource;
    this.retention = retention;
    this.batch = batch;
    this.pauseMs = pauseMs;
    this.interval = interval;
  }

  /** The purge {@code config} asks for, not started; a missing or bad key throws ConfigException naming it. */
  public static BarrierPurge fromConfig(ServiceConfig config, DataSource dataSource) {
    return new BarrierPurge(dataSource, Duration.ofHours(config.integer(RETENTION_HOURS, 1, 24 * 3650)),
        config.integer(BATCH, 1, 100_000), config.integer(PAUSE_MS, 0, 60_000),
        Duration.ofSeconds(config.integer(INTERVAL_SECONDS, 0, 7 * 24 * 3600)));
  }

  /** Purges every interval on a daemon thread, the first time one interval from now; nothing when it is zero. */
  public void start() {
    if (interval.isZero()) {
      return;
    }
    timer = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "barrier-purge");
      t.setDaemon(true);
      return t;
    });
    timer.scheduleWithFixedDelay(this::runSafely, interval.toMillis(), interval.toMillis(), TimeUnit.MILLISECONDS);
  }

  private void runSafely() {
    try {
      long n = runOnce(Instant.now());
      if (n > 0) {
        log.info("barrier purge: deleted {} rows older than {}", n, retention);
      }
    } catch (SQLException e) {
      // The database is away: the next run catches up.
      log.warn("barrier purge failed, the next run retries: {}", e.toString());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /**
   * Deletes the rows created before {@code now} minus the retention, {@code batch} at a time, until
   * a batch comes back short; returns how many rows went.
   */
  public long runOnce(Instant now) throws SQLException, InterruptedException {
    Timestamp cutoff = Timestamp.from(now.minus(retention));
    long total = 0;
    while (true) {
      int n;
      try (Connection c = dataSource.getConnection();
          PreparedStatement ps = c.prepareStatement(
              "DELETE FROM barrier WHERE create_time < ? ORDER BY create_time LIMIT ?")) {
        ps.setTimestamp(1, cutoff);
        ps.setInt(2, batch);
        n = ps.executeUpdate();
        if (!c.getAutoCommit()) {
          c.commit();
        }
      }
      total += n;
      if (n < batch) {
        return total;
      }
      if (pauseMs > 0) {
        Thread.sleep(pauseMs);
      }
    }
  }

  @Override
  public void close() {
    if (timer != null) {
      timer.shutdownNow();
    }
  }
}
