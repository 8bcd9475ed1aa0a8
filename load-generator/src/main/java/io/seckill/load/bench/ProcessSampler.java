package io.seckill.load.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.locks.LockSupport;

/**
 * Samples CPU time and resident memory of the stack's processes once a second from /proc: the
 * pids of {@code .stack/run/*.pid} plus this JVM. CPU is utime + stime of /proc/PID/stat, RSS is
 * VmRSS of /proc/PID/status.
 */
public final class ProcessSampler implements AutoCloseable {
  /** Linux's USER_HZ; /proc/PID/stat counts CPU time in these ticks on every mainstream kernel. */
  static final double TICKS_PER_SECOND = 100.0;

  /** One process's figures over the sampled window. */
  public record ProcessStats(String name, long pid, boolean java, double cpuSeconds, double cpuPercent,
      double rssPeakMb, double rssAvgMb) {}

  /** The whole window: per process, the peak of the JVMs' summed RSS, and the machine's busy CPU. */
  public record Window(double seconds, List<ProcessStats> processes, double jvmRssPeakTotalMb,
      double allRssPeakTotalMb, double machineCpuPercent) {}

  private final Path runDir;
  private final Map<Long, Tracked> tracked = new LinkedHashMap<>();
  private final Thread thread;
  private volatile boolean stop;
  private double jvmPeak;
  private double allPeak;
  private long startNanos;
  private long[] machineStart;

  private static final class Tracked {
    String name;
    boolean java;
    long firstTicks = -1;
    long lastTicks;
    double rssPeak;
    double rssSum;
    int samples;
  }

  /** A sampler of the pid files in {@code runDir}; call {@link #start()}. */
  public ProcessSampler(Path runDir) {
    this.runDir = runDir;
    this.thread = new Thread(this::loop, "process-sampler");
    thread.setDaemon(true);
  }

  /** Starts sampling once a second. */
  public void start() {
    startNanos = System.nanoTime();
    machineStart = machineTicks();
    sample();
    thread.start();
  }

  private void loop() {
    while (!stop) {
      LockSupport.parkNanos(1_000_000_000L);
      sample();
    }
  }

  /** Stops and returns the window's figures. */
  public synchronized Window finish() throws InterruptedException {
    stop = true;
    thread.join(3000);
    sample();
    double seconds = (System.nanoTime() - startNanos) / 1e9;
    List<ProcessStats> out = new ArrayList<>();
    for (Map.Entry<Long, Tracked> e : tracked.entrySet()) {
      Tracked t = e.getValue();
      double cpu = Math.max(0, t.lastTicks - t.firstTicks) / TICKS_PER_SECOND;
      out.add(new ProcessStats(t.name, e.getKey(), t.java, cpu, 100 * cpu / seconds, t.rssPeak,
          t.samples == 0 ? 0 : t.rssSum / t.samples));
    }
    long[] end = machineTicks();
    double machine = 0;
    if (machineStart != null && end != null && end[1] > machineStart[1]) {
      machine = 100.0 * (end[0] - machineStart[0]) / (end[1] - machineStart[1]);
    }
    return new Window(seconds, out, jvmPeak, allPeak, machine);
  }

  @Override
  public void close() {
    stop = true;
  }

  private synchronized void sample() {
    Map<Long, String> pids = pids();
    double jvm = 0;
    double all = 0;
    for (Map.Entry<Long, String> p : pids.entrySet()) {
      long ticks = cpuTicks(p.getKey());
      double rss = rssMb(p.getKey());
      if (ticks < 0 || rss < 0) {
        continue; // gone between listing and reading
      }
      Tracked t = tracked.computeIfAbsent(p.getKey(), k -> new Tracked());
      if (t.name == null) {
        t.name = p.getValue();
        t.java = isJava(p.getKey());
      }
      if (t.firstTicks < 0) {
        t.firstTicks = ticks;
      }
      t.lastTicks = ticks;
      t.rssPeak = Math.max(t.rssPeak, rss);
      t.rssSum += rss;
      t.samples++;
      all += rss;
      if (t.java) {
        jvm += rss;
      }
    }
    jvmPeak = Math.max(jvmPeak, jvm);
    allPeak = Math.max(allPeak, all);
  }

  /** pid -> name of every live pid file in the run dir (the first name wins for a shared pid), plus this JVM. */
  Map<Long, String> pids() {
    Map<Long, String> pids = new LinkedHashMap<>();
    try (DirectoryStream<Path> files = Files.newDirectoryStream(runDir, "*.pid")) {
      List<Path> sorted = new ArrayList<>();
      files.forEach(sorted::add);
      sorted.sort(null);
      for (Path f : sorted) {
        String text = Files.readString(f, StandardCharsets.UTF_8).trim();
        if (text.matches("[0-9]{1,10}")) {
          String name = f.getFileName().toString().replaceFirst("\\.pid$", "");
          pids.putIfAbsent(Long.parseLong(text), name);
        }
      }
    } catch (IOException e) {
      // No run dir: only this JVM is sampled.
    }
    pids.putIfAbsent(ProcessHandle.current().pid(), "load-generator");
    return pids;
  }

  /** utime + stime of {@code pid} in ticks, or -1 when it is gone. */
  static long cpuTicks(long pid) {
    try {
      String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
      // The command name (field 2) may hold spaces and parentheses: fields are counted after the last ')'.
      String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
      return Long.parseLong(f[11]) + Long.parseLong(f[12]);
    } catch (IOException | RuntimeException e) {
      return -1;
    }
  }

  /** VmRSS of {@code pid} in MiB, or -1 when it is gone. */
  static double rssMb(long pid) {
    try {
      for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
        if (line.startsWith("VmRSS:")) {
          return Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024.0;
        }
      }
      return 0;
    } catch (IOException | RuntimeException e) {
      return -1;
    }
  }

  private static boolean isJava(long pid) {
    try {
      byte[] cmd = Files.readAllBytes(Path.of("/proc", Long.toString(pid), "cmdline"));
      String first = new String(cmd, StandardCharsets.UTF_8).split("\0", 2)[0];
      return first.endsWith("java") || first.contains("/java");
    } catch (IOException | RuntimeException e) {
      return false;
    }
  }

  /** {busy, total} jiffies of the machine from /proc/stat, or null. */
  static long[] machineTicks() {
    try {
      String cpu = Files.readAllLines(Path.of("/proc/stat")).get(0);
      String[] f = cpu.trim().split("\\s+");
      long total = 0;
      for (int i = 1; i < f.length; i++) {
        total += Long.parseLong(f[i]);
      }
      long idle = Long.parseLong(f[4]) + (f.length > 5 ? Long.parseLong(f[5]) : 0);
      return new long[] {total - idle, total};
    } catch (IOException | RuntimeException e) {
      return null;
    }
  }
}
