package io.seckill.runtime;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.seckill.runtime.settings.Settings;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;

class BarrierPurgeTest {
  private static Properties keys(String retention, String interval) {
    Properties p = new Properties();
    p.setProperty(BarrierPurge.RETENTION_HOURS.name(), retention);
    p.setProperty(BarrierPurge.INTERVAL_SECONDS.name(), interval);
    p.setProperty(BarrierPurge.BATCH.name(), "1000");
    p.setProperty(BarrierPurge.PAUSE_MS.name(), "50");
    return p;
  }

  @Test
  void aBadOrMissingKeyIsNamed() {
    ConfigException bad = assertThrows(ConfigException.class, () -> BarrierPurge.fromConfig(
        Settings.of(keys("0", "3600"), "SECKILL_T", Map.of()), null));
    assertTrue(bad.getMessage().contains(BarrierPurge.RETENTION_HOURS.name()), bad.getMessage());
    Properties p = keys("168", "3600");
    p.remove(BarrierPurge.BATCH.name());
    ConfigException missing = assertThrows(ConfigException.class, () -> BarrierPurge.fromConfig(
        Settings.of(p, "SECKILL_T", Map.of()), null));
    assertTrue(missing.getMessage().contains(BarrierPurge.BATCH.name()), missing.getMessage());
  }

  private static boolean purgeThreadRunning() {
    return Thread.getAllStackTraces().keySet().stream().anyMatch(t -> t.getName().equals("barrier-purge") && t.isAlive());
  }

  @Test
  void intervalZeroStartsNoPurgeThreadAndAnIntervalDoes() throws Exception {
    BarrierPurge off = BarrierPurge.fromConfig(Settings.of(keys("168", "0"), "SECKILL_T", Map.of()), null);
    off.start();
    assertFalse(purgeThreadRunning(), "interval 0 runs nothing");
    off.close();
    // The first run is one interval away, so the missing data source is never touched.
    BarrierPurge on = BarrierPurge.fromConfig(Settings.of(keys("168", "3600"), "SECKILL_T", Map.of()), null);
    on.start();
    for (int i = 0; i < 100 && !purgeThreadRunning(); i++) {
      Thread.sleep(10);
    }
    boolean started = purgeThreadRunning();
    on.close();
    assertTrue(started, "an interval starts the purge thread");
  }
}
