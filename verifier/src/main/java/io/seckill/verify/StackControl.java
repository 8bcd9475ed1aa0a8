package io.seckill.verify;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Drives the parts of the local stack for chaos runs, through the launcher's own files: a part's
 * pid comes from {@code .stack/run/<part>.pid} and is signalled only when its command line carries
 * the part's identity (so a recycled pid is never hit); starts and restarts go through
 * {@code ./seckill start|restart <part>}, which waits until the part is healthy.
 */
public final class StackControl {
  private final Path root;

  /** The stack of the checkout at {@code root} (the directory holding {@code seckill}). */
  public StackControl(Path root) {
    this.root = root;
  }

  /** The checkout root: {@code SECKILL_ROOT}, else the nearest directory above the working one holding {@code seckill}. */
  public static Path findRoot() {
    String env = System.getenv("SECKILL_ROOT");
    if (env != null && !env.isBlank()) {
      return Path.of(env);
    }
    for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
      if (Files.isRegularFile(dir.resolve("seckill")) && Files.isRegularFile(dir.resolve("stack/services.conf"))) {
        return dir;
      }
    }
    throw new IllegalStateException("no ./seckill launcher above " + Path.of("").toAbsolutePath() + " (set SECKILL_ROOT)");
  }

  /**
   * The service names of {@code stack/services.conf}, in start order, then those of the further
   * instances ({@code ./seckill up --instances N}: seckill-consumer-k and seckill-api-k, k = 2..N).
   */
  public List<String> services() throws IOException {
    List<String> out = new ArrayList<>();
    for (String line : Files.readAllLines(root.resolve("stack/services.conf"), StandardCharsets.UTF_8)) {
      String l = line.replaceAll("#.*", "").replaceAll("\\s", "");
      if (!l.isEmpty()) {
        out.add(l.substring(0, l.indexOf('|')));
      }
    }
    List<String> base = List.copyOf(out);
    for (int k = 2; k <= instances(); k++) {
      for (String s : List.of("seckill-consumer", "seckill-api")) {
        if (base.contains(s)) {
          out.add(s + "-" + k);
        }
      }
    }
    return out;
  }

  /** The DTM servers: dtm, then dtm-k of every further instance. */
  public List<String> dtms() throws IOException {
    List<String> out = new ArrayList<>(List.of("dtm"));
    for (int k = 2; k <= instances(); k++) {
      out.add("dtm-" + k);
    }
    return out;
  }

  /** The instance count {@code ./seckill up --instances N} keeps in .stack/run/instances (1 without it). */
  public int instances() throws IOException {
    Path f = root.resolve(".stack/run/instances");
    if (!Files.isRegularFile(f)) {
      return 1;
    }
    String n = Files.readString(f).replaceAll("[^0-9]", "");
    return n.matches("[1-4]") ? Integer.parseInt(n) : 1;
  }

  /** The live pid of {@code part}, or -1 when it is not running as ours. */
  public long pid(String part) throws IOException {
    Path f = root.resolve(".stack/run/" + part + ".pid");
    if (!Files.isRegularFile(f)) {
      return -1;
    }
    String text = Files.readString(f).replaceAll("[^0-9]", "");
    if (text.isEmpty()) {
      return -1;
    }
    long pid = Long.parseLong(text);
    Path cmdline = Path.of("/proc/" + pid + "/cmdline");
    if (!Files.isReadable(cmdline)) {
      return -1;
    }
    String cmd = new String(Files.readAllBytes(cmdline), StandardCharsets.UTF_8).replace('\0', ' ');
    String identity = part.matches("dtm-\\d+") ? "/" + part + ".yml" : switch (part) {
      case "dtm" -> "dtm";
      case "mariadb" -> "mariadbd";
      case "redis" -> "redis-server";
      case "kafka" -> "kafka.Kafka";
      default -> "-Dseckill.service=" + part;
    };
    return cmd.contains(identity) ? pid : -1;
  }

  /** SIGKILL to {@code part}; waits until it is gone. Returns false when it was not running. */
  public boolean kill(String part) throws IOException, InterruptedException {
    long pid = pid(part);
    if (pid < 0) {
      return false;
    }
    signal(pid, "KILL");
    for (int i = 0; i < 100 && ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false); i++) {
      Thread.sleep(100);
    }
    return true;
  }

  /** SIGSTOP {@code part} for {@code millis}, then SIGCONT: a branch slower than DTM's request timeout. */
  public boolean pause(String part, long millis) throws IOException, InterruptedException {
    long pid = pid(part);
    if (pid < 0) {
      return false;
    }
    signal(pid, "STOP");
    try {
      Thread.sleep(millis);
    } finally {
      signal(pid, "CONT");
    }
    return true;
  }

  /** {@code ./seckill start <part>}: starts it if it is not running and waits until healthy. */
  public void start(String part) throws IOException, InterruptedException {
    launcher("start", part);
  }

  /** {@code ./seckill restart <part>}: a graceful stop, then start and wait until healthy. */
  public void restart(String part) throws IOException, InterruptedException {
    launcher("restart", part);
  }

  /** {@code ./seckill status}: true when every part is healthy. */
  public boolean healthy() throws IOException, InterruptedException {
    return run(List.of(root.resolve("seckill").toString(), "status"), 60) == 0;
  }

  private void launcher(String action, String part) throws IOException, InterruptedException {
    int rc = run(List.of(root.resolve("seckill").toString(), action, part), 300);
    if (rc != 0) {
      throw new IOException("./seckill " + action + " " + part + " exited " + rc + " (see .stack/logs/" + part + ".log)");
    }
  }

  private int run(List<String> command, int timeoutSeconds) throws IOException, InterruptedException {
    Path log = root.resolve(".stack/logs/chaos-launcher.log");
    Files.createDirectories(log.getParent());
    Process p = new ProcessBuilder(command).directory(root.toFile()).redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
    if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new IOException(String.join(" ", command) + " did not finish within " + timeoutSeconds + " s");
    }
    return p.exitValue();
  }

  private static void signal(long pid, String signal) throws IOException, InterruptedException {
    Process p = new ProcessBuilder("kill", "-" + signal, Long.toString(pid)).redirectErrorStream(true).start();
    p.waitFor(10, TimeUnit.SECONDS);
  }
}
