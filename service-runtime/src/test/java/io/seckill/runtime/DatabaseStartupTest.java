package io.seckill.runtime;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.ServerSocket;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;

/** Start-up against an unreachable database: it keeps trying for db.startup-wait-ms, then fails. */
class DatabaseStartupTest {

  @Test
  void anUnreachableDatabaseIsRetriedForTheStartupWaitThenNamed() throws Exception {
    int closed;
    try (ServerSocket s = new ServerSocket(0)) {
      closed = s.getLocalPort();
    }
    Properties p = new Properties();
    p.setProperty("db.host", "127.0.0.1");
    p.setProperty("db.port", Integer.toString(closed));
    p.setProperty("db.name", "nowhere");
    p.setProperty("db.user", "nobody");
    p.setProperty("db.password", "");
    p.setProperty("db.params", "connectTimeout=200");
    p.setProperty("db.pool-size", "1");
    p.setProperty("db.connection-timeout-ms", "250");
    p.setProperty("db.startup-wait-ms", "1500");
    ServiceConfig config = ServiceConfig.of(p, "SECKILL_TEST", Map.of());

    long start = System.nanoTime();
    RuntimeException e = assertThrows(RuntimeException.class, () -> Database.open(config, "startup-test"));
    long waitedMs = (System.nanoTime() - start) / 1_000_000;
    assertTrue(waitedMs >= 1400, "gave up after " + waitedMs + " ms, before db.startup-wait-ms");
    assertTrue(waitedMs < 15_000, "kept trying for " + waitedMs + " ms");
    String why = String.valueOf(e.getMessage()) + " " + String.valueOf(e.getCause());
    assertTrue(why.contains("Communications link failure") || why.contains("Connection refused"), why);
  }
}
