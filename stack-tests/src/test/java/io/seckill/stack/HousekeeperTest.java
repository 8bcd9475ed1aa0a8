package io.seckill.stack;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.FileOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The housekeeper's log cap, on a stack directory of its own (nothing running): a log past the cap
 * is copied to {@code .1} and emptied in place, a log under it is left alone, and a writer that keeps
 * its append-mode descriptor goes on at the start of the emptied file, not at its old offset.
 */
class HousekeeperTest {

  @Test
  void aLogPastTheCapIsKeptOnceAndEmptiedWhileItsWriterGoesOn(@TempDir Path stack) throws Exception {
    Path logs = Files.createDirectories(stack.resolve("logs"));
    Path big = logs.resolve("order-rpc.log");
    Path small = logs.resolve("redis.log");
    Files.writeString(small, "small\n");
    byte[] line = "x".repeat(1023).concat("\n").getBytes(StandardCharsets.UTF_8);
    try (FileOutputStream writer = new FileOutputStream(big.toFile(), true)) {
      for (int i = 0; i < 1200; i++) {
        writer.write(line);
      }
      writer.flush();
      long before = Files.size(big);
      ProcessBuilder pb = new ProcessBuilder("bash", StackEnv.repoRoot().resolve("stack/housekeeper.sh").toString(),
          stack.toString(), "--once").redirectErrorStream(true);
      pb.environment().put("SECKILL_LOG_MAX_MB", "1");
      pb.environment().put("SECKILL_DTM_STORE", "redis");
      Process p = pb.start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertTrue(p.waitFor(30, TimeUnit.SECONDS), "one housekeeping pass ends");
      assertEquals(0, p.exitValue(), out);
      assertTrue(out.contains("order-rpc.log reached " + before + " bytes"), out);
      assertEquals(before, Files.size(logs.resolve("order-rpc.log.1")), "the old content is kept once");
      assertEquals(0, Files.size(big), "the log is emptied in place");
      writer.write("after\n".getBytes(StandardCharsets.UTF_8));
      writer.flush();
    }
    assertEquals("after\n", Files.readString(big), "the writer's next line lands at the start, no hole before it");
    assertEquals("small\n", Files.readString(small), "a log under the cap is left alone");
    assertTrue(Files.notExists(logs.resolve("redis.log.1")));
  }

  @Test
  void aBadSettingStopsTheHousekeeperNamingIt(@TempDir Path stack) throws Exception {
    Files.createDirectories(stack.resolve("logs"));
    ProcessBuilder pb = new ProcessBuilder("bash", StackEnv.repoRoot().resolve("stack/housekeeper.sh").toString(),
        stack.toString(), "--once").redirectErrorStream(true);
    pb.environment().put("SECKILL_LOG_MAX_MB", "lots");
    Process p = pb.start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor(30, TimeUnit.SECONDS));
    assertEquals(2, p.exitValue(), out);
    assertTrue(out.contains("bad setting"), out);
  }
}
