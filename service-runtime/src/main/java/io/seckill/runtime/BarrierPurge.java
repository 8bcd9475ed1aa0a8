package io.seckill.runtime;

import io.seckill.runtime.settings.Setting;
import io.seckill.runtime.settings.Settings;
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
  public static final Setting<Integer> RETENTION_HOURS = Setting.integer("barrier.retention-hours", 1, 24 * 3650);
  /** Seconds between two purges; 0 turns the purge off. */
  public static final Setting<Duration> INTERVAL_SECONDS = Setting.seconds("barrier.purge-interval-seconds", 0, 7 * 24 * 3600);
  /** Rows deleted by one statement. */
  public static final Setting<Integer> BATCH = Setting.integer("barrier.purge-batch", 1, 100_000);
  /** Pause between two batches, in ms. */
  public static final Setting<Integer> PAUSE_MS = Setting.integer("barrier.purge-pause-ms", 0, 60_000);

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
  public static BarrierPurge fromConfig(Settings config, DataSource dataSource) {
    return new BarrierPurge(dataSource, Duration.ofHours(config.get(RETENTION_HOURS)), config.get(BATCH),
        config.get(PAUSE_MS), config.get(INTERVAL_SECONDS));
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
