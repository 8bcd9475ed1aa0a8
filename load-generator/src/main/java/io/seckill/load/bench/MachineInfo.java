package io.seckill.load.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The machine a benchmark ran on.
 *
 * @param nproc processors available to the JVM
 * @param memoryMb MemTotal of /proc/meminfo
 * @param cpuModel the first "model name" of /proc/cpuinfo
 * @param java java.version and java.vm.name of the load generator's JVM (the services use the same java)
 * @param os os.name, os.version and os.arch
 */
public record MachineInfo(int nproc, long memoryMb, String cpuModel, String java, String os) {

  /** Reads this machine's figures. */
  public static MachineInfo collect() {
    return new MachineInfo(Runtime.getRuntime().availableProcessors(), memTotalMb(), readCpuModel(),
        System.getProperty("java.version") + " (" + System.getProperty("java.vm.name") + ", "
            + System.getProperty("java.vendor") + ")",
        System.getProperty("os.name") + " " + System.getProperty("os.version") + " " + System.getProperty("os.arch"));
  }

  private static long memTotalMb() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/meminfo"))) {
        if (line.startsWith("MemTotal:")) {
          return Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024;
        }
      }
    } catch (IOException | RuntimeException e) {
      // not Linux: unknown
    }
    return -1;
  }

  private static String readCpuModel() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
        if (line.startsWith("model name")) {
          return line.substring(line.indexOf(':') + 1).trim();
        }
      }
    } catch (IOException | RuntimeException e) {
      // not Linux: unknown
    }
    return "unknown";
  }
}
