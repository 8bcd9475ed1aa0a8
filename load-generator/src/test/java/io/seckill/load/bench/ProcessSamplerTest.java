package io.seckill.load.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ProcessSamplerTest {

  @Test
  void samplesThePidFilesAndItself(@TempDir Path run) throws Exception {
    long self = ProcessHandle.current().pid();
    Files.writeString(run.resolve("me.pid"), self + "\n");
    Files.writeString(run.resolve("alias.pid"), Long.toString(self));
    Files.writeString(run.resolve("junk.pid"), "not a pid");
    ProcessSampler s = new ProcessSampler(run);
    s.start();
    long until = System.nanoTime() + 1_300_000_000L;
    long spin = 0;
    while (System.nanoTime() < until) {
      spin += Long.numberOfTrailingZeros(System.nanoTime()); // burn CPU so it shows
    }
    ProcessSampler.Window w = s.finish();
    assertTrue(spin > 0);
    assertEquals(1, w.processes().size(), "one process, however many pid files name it");
    ProcessSampler.ProcessStats me = w.processes().get(0);
    assertEquals("alias", me.name(), "the first pid file in name order names it");
    assertTrue(me.java());
    assertTrue(me.cpuSeconds() > 0.5, "spent about a second of CPU, got " + me.cpuSeconds());
    assertTrue(me.rssPeakMb() > 10 && me.rssPeakMb() >= me.rssAvgMb());
    assertEquals(me.rssPeakMb(), w.jvmRssPeakTotalMb(), 1e-9);
  }

  @Test
  void aMissingProcessReadsAsGone() {
    assertEquals(-1, ProcessSampler.cpuTicks(Integer.MAX_VALUE));
    assertEquals(-1, ProcessSampler.rssMb(Integer.MAX_VALUE), 1e-9);
  }
}
