package io.seckill.order;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.seckill.runtime.BarrierPurge;
import io.seckill.runtime.testing.TestDatabase;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The barrier purge against the real seckill_order database: old rows go in batches, recent ones stay. */
class BarrierPurgeIT {
  private static final String PREFIX = "test-purge-" + UUID.randomUUID() + "-";
  private static TestDatabase db;

  @BeforeAll
  static void open() {
    db = TestDatabase.open("order-rpc", "SECKILL_ORDER", OrderMapper.class);
  }

  @AfterAll
  static void close() {
    if (db != null) {
      db.deleteBarrier(PREFIX);
      db.close();
    }
  }

  private static void insert(String gid, int hoursAgo) {
    db.update("INSERT INTO barrier (trans_type, gid, branch_id, op, barrier_id, reason, create_time)"
        + " VALUES ('tcc', ?, '01', 'try', '01', 'try', NOW() - INTERVAL ? HOUR)", gid, hoursAgo);
  }

  @Test
  void rowsOlderThanTheRetentionGoInBatchesAndRecentOnesStay() throws Exception {
    for (int i = 0; i < 5; i++) {
      insert(PREFIX + "old-" + i, 200);
    }
    insert(PREFIX + "new-0", 1);
    insert(PREFIX + "new-1", 167);
    // Batches of 2: three statements for our five old rows (and any others a long-lived machine holds).
    long deleted = new BarrierPurge(db.database().dataSource(), Duration.ofHours(168), 2, 0, Duration.ZERO).runOnce(Instant.now());
    assertTrue(deleted >= 5, "deleted " + deleted);
    assertEquals(0, db.number("SELECT COUNT(*) FROM barrier WHERE gid LIKE ?", PREFIX + "old-%"));
    assertEquals(2, db.number("SELECT COUNT(*) FROM barrier WHERE gid LIKE ?", PREFIX + "new-%"));
    assertEquals(0, new BarrierPurge(db.database().dataSource(), Duration.ofHours(168), 2, 0, Duration.ZERO).runOnce(Instant.now()),
        "a second run finds nothing");
  }
}
