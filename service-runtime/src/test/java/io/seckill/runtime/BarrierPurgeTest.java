package io.seckill.runtime;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;

class BarrierPurgeTest {
  private static Properties keys(String retention, String interval) {
    Properties p = new Properties();
    p.setProperty(BarrierPurge.RETENTION_HOURS, retention);
    p.setProperty(BarrierPurge.INTERVAL_SECONDS, interval);
    p.setProperty(BarrierPurge.BATCH, "1000");
    p.setProperty(BarrierPurge.PAUSE_MS, "50");
    return p;
  }

  @Test
  void aBadOrMissingKeyIsNamed() {
    ConfigException bad = assertThrows(ConfigException.class, () -> BarrierPurge.fromConfig(
        ServiceConfig.of(keys("0", "3600"), "SECKILL_T", Map.of()), null));
    assertTrue(bad.getMessage().contains(BarrierPurge.RETENTION_HOURS), bad.getMessage());
    Properties p = keys("168", "3600");
    p.remove(BarrierPurge.BATCH);
    ConfigException missing = assertThrows(ConfigException.class, () -> BarrierPurge.fromConfig(
        ServiceConfig.of(p, "SECKILL_T", Map.of()), null));
    assertTrue(missing.getMessage().contains(BarrierPurge.BATCH), missing.getMessage());
  }

  private static boolean purgeThreadRunning() {
    return Thread.getAllStackTraces().keySet().stream().anyMatch(t -> t.getName().equals("barrier-purge") && t.isAlive());
  }

  @Test
  void intervalZeroStartsNoPurgeThreadAndAnIntervalDoes() throws Exception {
    BarrierPurge off = BarrierPurge.fromConfig(ServiceConfig.of(keys("168", "0"), "SECKILL_T", Map.of()), null);
    off.start();
    assertFalse(purgeThreadRunning(), "interval 0 runs nothing");
    off.close();
    // The first run is one interval away, so the missing data source is never touched.
    BarrierPurge on = BarrierPurge.fromConfig(ServiceConfig.of(keys("168", "3600"), "SECKILL_T", Map.of()), null);
    on.start();
    for (int i = 0; i < 100 && !purgeThreadRunning(); i++) {
      Thread.sleep(10);
    }
    boolean started = purgeThreadRunning();
    on.close();
    assertTrue(started, "an interval starts the purge thread");
  }
}
