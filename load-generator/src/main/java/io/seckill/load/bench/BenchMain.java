package io.seckill.load.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.seckill.load.Cli;
import io.seckill.load.Endpoints;
import io.seckill.load.LoadOptions;
import io.seckill.load.LoadRun;
import io.seckill.load.Percentiles;
import io.seckill.load.RunSummary;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * One benchmark scenario (the launcher's {@code ./seckill bench} calls it once per scenario, after
 * switching DTM's storage when the scenario needs it): a warm-up, at least three runs as fast as
 * possible (throughput = their median), one paced run at half that rate (latency), the process
 * figures of the whole window, and the direct-JDBC baseline, written to
 * {@code <out>/<date>-<scenario>.json}. Exit 0 when the scenario ran, 2 on a usage error.
 */
@Command(name = "bench", abbreviateSynopsis = true, sortOptions = false,
    description = "One benchmark scenario, as ./seckill bench runs it once per scenario.")
public final class BenchMain implements Callable<Integer> {
  static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  @Option(names = "--scenario", paramLabel = "NAME",
      description = "the scenario to run (needed unless --ceiling-only): one of ${COMPLETION-CANDIDATES}",
      completionCandidates = ScenarioNames.class)
  String scenario;

  @Option(names = "--quick", description = "smaller runs (the warm-up, each run and the ceiling)")
  boolean quick;

  @Option(names = "--out", defaultValue = "bench/results", paramLabel = "DIR",
      description = "where <date>-<scenario>.json is written (default: ${DEFAULT-VALUE})")
  Path out;

  @Option(names = "--run-dir", defaultValue = ".stack/run", paramLabel = "DIR",
      description = "the launcher's pid files, whose processes are sampled (default: ${DEFAULT-VALUE})")
  Path runDir;

  @Option(names = "--sql-dir", defaultValue = "sql", paramLabel = "DIR",
      description = "the schema files the baseline reads (default: ${DEFAULT-VALUE})")
  Path sqlDir;

  @Option(names = "--runs", defaultValue = "3", paramLabel = "N",
      description = "as-fast-as-possible runs, at least 3: the throughput is their median (default: ${DEFAULT-VALUE})")
  int runs;

  @Option(names = "--count", paramLabel = "N",
      description = "orders per run (default: sized from the warm-up rate, or the warm ample rate when cold)")
  Integer count;

  @Option(names = "--baseline-workers", defaultValue = "64", paramLabel = "N",
      description = "workers of the direct-JDBC baseline (default: ${DEFAULT-VALUE})")
  int baselineWorkers;

  @Option(names = "--ceiling-cache", paramLabel = "FILE",
      description = "DTM's ceiling measured earlier in the same invocation, read and written here")
  Path ceilingCache;

  @Option(names = "--no-ceiling", description = "do not measure DTM's ceiling")
  boolean noCeiling;

  @Option(names = "--ceiling-only", description = "measure only DTM's ceiling and print it as JSON")
  boolean ceilingOnly;

  @Option(names = "--ample-json", paramLabel = "FILE",
      description = "ample's JSON of the same invocation (cold and lifecycle scenarios compare with it)")
  Path ampleJson;

  @Option(names = "--restart-cmd", paramLabel = "CMD",
      description = "bash command restarting the pipeline's Java services before each cold run after the first")
  String restartCmd;

  @Option(names = "--work-dir", defaultValue = ".stack/bench", paramLabel = "DIR",
      description = "scratch files (default: ${DEFAULT-VALUE})")
  Path workDir;

  @Option(names = {"-h", "--help"}, usageHelp = true, description = "show this help and exit")
  boolean help;

  @Spec
  CommandSpec spec;

  BenchMain() {}

  /** The names --scenario accepts, for its help. */
  static final class ScenarioNames implements Iterable<String> {
    @Override
    public java.util.Iterator<String> iterator() {
      return Scenario.ALL.stream().map(Scenario::name).iterator();
    }
  }

  /**
   * The figures of one scenario, as written to its JSON file.
   *
   * @param runs the as-fast-as-possible runs (summaries without their options echo)
   * @param confirmedPerSecondMedian median confirmed orders/s of those runs
   * @param paced the run at half the median rate, for latency
   * @param baselineRuns the direct-JDBC runs
   * @param baselineOrdersPerSecondMedian their median orders/s
   * @param ratio pipeline median / baseline median
   * @param ceiling DTM's ceiling on the same storage, in the same invocation (null with --no-ceiling)
   * @param ceilingPerSecondMedian its median 4-branch TCC transactions/s (0 without it)
   * @param boundPerSecond the no-overhead bound 1 / (1/ceiling + 1/baseline)
   * @param boundRatio pipeline median / bound
   * @param warmAmplePerSecond the warm ample median of the same invocation (cold scenarios; null when ample did not run)
   * @param coldToWarmAmpleRatio this scenario's median / that figure (null without it)
   * @param processes CPU and RSS of every process over the pipeline runs
   * @param targets each target of the issue and whether it was met
   */
  public record Result(String scenario, String description, String dtmStore, boolean quick, String startedAt,
      MachineInfo machine, Map<String, Object> settings, List<RunSummary> runs, double confirmedPerSecondMedian,
      RunSummary paced, List<Baseline.Result> baselineRuns, double baselineOrdersPerSecondMedian, double ratio,
      DtmCeiling.Result ceiling, double ceilingPerSecondMedian, double boundPerSecond, double boundRatio,
      Double warmAmplePerSecond, Double coldToWarmAmpleRatio,
      ProcessSampler.Window processes, Map<String, Double> cpuMsPerConfirmedOrder, Map<String, Object> targets) {}

  /** Options of one bench process (the launcher's flags plus the files it hands over). */
  record Options(boolean quick, int runs, Integer count, int baselineWorkers, Path runDir, Path sqlDir,
      Path ceilingCache, boolean ceiling, Path ampleJson, String restartCmd, Path workDir) {}

  /**
   * CPU milliseconds each part spent per confirmed order over the sampled window, parts merged by
   * name (a part restarted mid-window has two pids), largest first: where the time goes.
   */
  static Map<String, Double> cpuPerOrder(ProcessSampler.Window window, long confirmed) {
    Map<String, Double> byName = new java.util.HashMap<>();
    for (ProcessSampler.ProcessStats p : window.processes()) {
      byName.merge(p.name(), p.cpuSeconds(), Double::sum);
    }
    Map<String, Double> out = new LinkedHashMap<>();
    byName.entrySet().stream().sorted(Map.Entry.<String, Double>comparingByValue().reversed())
        .forEach(e -> out.put(e.getKey(), confirmed == 0 ? 0 : 1000 * e.getValue() / confirmed));
    return out;
  }

  /** Entry point: {@code --help} lists the options. */
  public static void main(String[] args) {
    System.exit(commandLine().execute(args));
  }

  /** The command, as {@link #main} runs it. */
  static CommandLine commandLine() {
    return Cli.commandLine(new BenchMain());
  }

  /** The options of this process, checked: a usage error names the option. */
  Options options() {
    if (runs < 3) {
      throw new CommandLine.ParameterException(spec.commandLine(),
          "--runs must be >= 3 (the throughput is a median), not " + runs);
    }
    if (count != null && count < 1) {
      throw new CommandLine.ParameterException(spec.commandLine(), "--count must be >= 1, not " + count);
    }
    if (baselineWorkers < 1) {
      throw new CommandLine.ParameterException(spec.commandLine(),
          "--baseline-workers must be >= 1, not " + baselineWorkers);
    }
    return new Options(quick, runs, count, baselineWorkers, runDir, sqlDir, ceilingCache, !noCeiling, ampleJson,
        restartCmd, workDir);
  }

  @Override
  public Integer call() throws Exception {
    Options o = options();
    String store = dtmStore();
    if (ceilingOnly) {
      DtmCeiling.Result c = ceiling(store, "ceiling-only", o, System.out);
      System.out.println(JSON.writeValueAsString(c));
      return 0;
    }
    Scenario s = Scenario.named(scenario == null ? "" : scenario).orElseThrow(() -> new CommandLine.ParameterException(
        spec.commandLine(), "--scenario must be one of " + Scenario.ALL.stream().map(Scenario::name).toList() + ", not "
            + scenario));
    Object r = Scenario.HTTP_ADMISSION.equals(s.kind())
        ? HttpAdmission.bench(s, o, Endpoints.fromEnv(System.getenv()), System.out)
        : bench(s, o, Endpoints.fromEnv(System.getenv()), System.out);
    String date = DateTimeFormatter.ofPattern("yyyy-MM-dd-HHmm").withZone(ZoneOffset.UTC).format(Instant.now());
    Path file = out.resolve(date + "-" + s.name() + ".json");
    Files.createDirectories(out);
    JSON.writeValue(file.toFile(), r);
    System.out.println("[bench] wrote " + file);
    return 0;
  }

  /** The DTM storage the launcher runs (SECKILL_DTM_STORE; Redis by default, as in stack/lib/00-common.sh). */
  static String dtmStore() {
    return System.getenv().getOrDefault("SECKILL_DTM_STORE", "redis");
  }

  /** In-flight levels the ceiling probes (the best is kept). */
  static final List<Integer> CEILING_LEVELS = List.of(16, 32, 64, 128, 256, 512);

  /**
   * DTM's ceiling on {@code store}: read from the invocation's cache file when an earlier scenario of
   * the same invocation already measured it on the same storage, else measured now (and cached).
   */
  static DtmCeiling.Result ceiling(String store, String scenario, Options o, PrintStream out) throws Exception {
    if (o.ceilingCache() != null && Files.exists(o.ceilingCache())) {
      DtmCeiling.Result cached = JSON.readValue(o.ceilingCache().toFile(), DtmCeiling.Result.class);
      if (store.equals(cached.dtmStore())) {
        out.printf("[bench] DTM ceiling on %s: %.1f tx/s at %d in flight (measured by %s in this invocation)%n", store,
            cached.perSecondMedian(), cached.bestInFlight(), cached.measuredBy());
        return cached;
      }
    }
    DtmCeiling.Result c;
    try (DtmCeiling dc = new DtmCeiling(Endpoints.dtm(System.getenv()))) {
      c = o.quick()
          ? dc.measureCeiling(store, scenario, CEILING_LEVELS, 2, 2, o.runs(), 5, out)
          : dc.measureCeiling(store, scenario, CEILING_LEVELS, 5, 5, o.runs(), 60, out);
    }
    out.printf("[bench] DTM ceiling on %s: %.1f tx/s (median of %d at %d in flight)%n", store, c.perSecondMedian(),
        c.runs().size(), c.bestInFlight());
    if (o.ceilingCache() != null) {
      Files.createDirectories(o.ceilingCache().toAbsolutePath().getParent());
      JSON.writeValue(o.ceilingCache().toFile(), c);
    }
    return c;
  }

  /** The warm ample median of this invocation, from ample's JSON (null when there is none). */
  static Double ampleMedian(Path ampleJson) throws java.io.IOException {
    if (ampleJson == null || !Files.exists(ampleJson)) {
      return null;
    }
    double v = JSON.readTree(ampleJson.toFile()).path("confirmedPerSecondMedian").asDouble(0);
    return v > 0 ? v : null;
  }

  /**
   * Runs {@code cmd} with bash (the launcher's restart of the pipeline's Java services), once more
   * after 10 s when it fails (a service jar being rebuilt in the shared tree at that moment); then fails loudly.
   */
  static void restart(String cmd, PrintStream out) throws Exception {
    out.printf("[bench]   cold start: %s%n", cmd);
    for (int attempt = 1; ; attempt++) {
      long t0 = System.nanoTime();
      Path log = Files.createTempFile("bench-restart", ".log");
      Process p = new ProcessBuilder("bash", "-c", cmd).redirectErrorStream(true)
          .redirectOutput(log.toFile()).start();
      boolean ok = p.waitFor(10, java.util.concurrent.TimeUnit.MINUTES) && p.exitValue() == 0;
      String text = Files.readString(log);
      Files.deleteIfExists(log);
      if (ok) {
        out.printf("[bench]   cold start took %.1f s%n", (System.nanoTime() - t0) / 1e9);
        return;
      }
      p.destroyForcibly();
      String tail = text.lines().skip(Math.max(0, text.lines().count() - 5)).collect(java.util.stream.Collectors.joining(" | "));
      if (attempt == 2) {
        throw new IllegalStateException("cold start failed twice: '" + cmd + "': " + tail + " (see .stack/logs/)");
      }
      out.printf("[bench]   cold start failed (%s), retrying in 10 s%n", tail);
      Thread.sleep(10_000);
    }
  }

  /**
   * Orders per run when --count is not given: enough for about {@code seconds} at the warm-up's
   * rate (a quick bench about 10 s per run), within bounds. A full run must last at least 60 s, and
   * the 1,000-order warm-up runs at only ~0.8 of the sustained rate (187 vs 230-256/s measured), so
   * a full run is sized for 1.5 x 65 s at the warm-up's rate.
   */
  static int adaptiveCount(double warmRate, boolean quick) {
    double seconds = quick ? 10 : 65 * 1.5;
    long n = Math.round(seconds * Math.max(1, warmRate));
    return (int) Math.max(quick ? 300 : 3000, Math.min(quick ? 3000 : 40000, n));
  }

  static Result bench(Scenario s, Options o, Endpoints endpoints, PrintStream out) throws Exception {
    boolean quick = o.quick();
    int runs = o.runs();
    String startedAt = Instant.now().toString();
    String store = dtmStore();
    if (!store.equals(s.dtmStore())) {
      out.println("[bench] WARNING: scenario " + s.name() + " expects DTM on " + s.dtmStore() + ", SECKILL_DTM_STORE is "
          + store);
    }
    out.printf("[bench] scenario %s: %s%n", s.name(), s.description());
    int warm = quick ? 200 : 1000;
    boolean lifecycle = Scenario.LIFECYCLE.equals(s.kind());
    Double warmAmple = s.cold() || lifecycle ? ampleMedian(o.ampleJson()) : null;
    int count;
    if (s.cold()) {
      // No warm-up: the first order of each run meets freshly started services. The run size follows
      // the warm ample rate of this invocation when ample ran before, so a run is still ~65 s.
      count = o.count() != null ? o.count() : adaptiveCount(warmAmple != null ? warmAmple : 100, quick);
      out.printf("[bench]   cold: no warm-up; %d orders per run%s%n", count,
          warmAmple != null ? String.format(java.util.Locale.ROOT, " (warm ample %.1f/s)", warmAmple) : "");
    } else {
      LoadOptions warmOptions = LoadOptions.parse("--mode", "kafka", "--products", Integer.toString(s.products()),
          "--stock-per-product", Integer.toString(warm + 1000), "--hot-skew", Double.toString(s.hotSkew()),
          "--coupon-share", Double.toString(s.couponShare()), "--quiet", "--wait-seconds", "60");
      out.printf("[bench] warm-up: %d orders%n", warm);
      RunSummary w = retried("warm-up", out,
          () -> new LoadRun(warmOptions.withRun(warm, 0, 1, null, null), endpoints, quietStream()).run());
      count = o.count() != null ? o.count() : adaptiveCount(w.confirmedPerSecond(), quick);
      out.printf("[bench]   warm-up: %.0f confirmed/s, complete=%s; %d orders per run%n", w.confirmedPerSecond(),
          w.complete(), count);
    }
    // Stock for every order on any product, so "ample" really never sells out.
    LoadOptions base = LoadOptions.parse("--mode", "kafka", "--products", Integer.toString(s.products()),
        "--stock-per-product", Integer.toString(count + 1000), "--hot-skew", Double.toString(s.hotSkew()),
        "--coupon-share", Double.toString(s.couponShare()), "--quiet", "--wait-seconds", "60");

    ProcessSampler sampler = new ProcessSampler(o.runDir());
    sampler.start();
    LifecycleTraffic life = lifecycle ? new LifecycleTraffic(endpoints, 0.5) : null;
    List<RunSummary> results = new ArrayList<>();
    List<Double> rates = new ArrayList<>();
    for (int i = 1; i <= runs; i++) {
      int seed = 1000 + i;
      if (s.cold() && i > 1 && o.restartCmd() != null) {
        restart(o.restartCmd(), out); // the launcher restarted them before the first run
      }
      RunSummary r = retried("run " + i, out,
          () -> new LoadRun(base.withRun(count, 0, seed, null, null), endpoints, quietStream()).run());
      results.add(r);
      rates.add(r.confirmedPerSecond());
      out.printf("[bench]   run %d/%d: %d orders, %.1f confirmed/s over %.1f s, p99 %.0f ms, complete=%s%n", i, runs,
          count, r.confirmedPerSecond(), r.durationSeconds(), r.latencyConfirmedMs().p99(), r.complete());
    }
    double median = Percentiles.median(rates);
    double pacedRate = Math.max(1, Math.floor(median / 2));
    int pacedCount = (int) Math.max(50, pacedRate * (quick ? 8 : 30));
    RunSummary paced = retried("paced run", out,
        () -> new LoadRun(base.withRun(pacedCount, pacedRate, 2000, null, null), endpoints, quietStream()).run());
    out.printf("[bench]   paced at %.0f/s: p50 %.0f ms, p95 %.0f ms, p99 %.0f ms, complete=%s%n", pacedRate,
        paced.latencyConfirmedMs().p50(), paced.latencyConfirmedMs().p95(), paced.latencyConfirmedMs().p99(),
        paced.complete());
    Map<String, Object> lifeFigures = null;
    if (life != null) {
      lifeFigures = life.finish(Duration.ofSeconds(quick ? 30 : 90));
      life.close();
      out.printf("[bench]   beside the sale: %s%n", lifeFigures);
    }
    ProcessSampler.Window window = sampler.finish();

    List<Baseline.Result> baseline = new ArrayList<>();
    List<Double> baseRates = new ArrayList<>();
    try (Baseline b = new Baseline(endpoints, o.sqlDir(), o.baselineWorkers())) {
      retried("baseline warm-up", out, () -> b.run(base.withRun(warm, 0, 1, null, null), LoadRun.mintRunId()));
      for (int i = 1; i <= runs; i++) {
        int seed = 1000 + i;
        Baseline.Result br = retried("baseline " + i, out,
            () -> b.run(base.withRun(count, 0, seed, null, null), LoadRun.mintRunId()));
        baseline.add(br);
        baseRates.add(br.ordersPerSecond());
        out.printf("[bench]   baseline %d/%d: %.1f orders/s (%d confirmed, %d refused/failed) over %.1f s%n", i, runs,
            br.ordersPerSecond(), br.confirmed(), br.failed(), br.seconds());
      }
    }
    double baseMedian = Percentiles.median(baseRates);
    double ratio = baseMedian > 0 ? median / baseMedian : 0;
    DtmCeiling.Result ceiling = o.ceiling() ? ceiling(store, s.name(), o, out) : null;
    double ceilingMedian = ceiling == null ? 0 : ceiling.perSecondMedian();
    double bound = DtmCeiling.bound(ceilingMedian, baseMedian);
    double boundRatio = DtmCeiling.boundRatio(median, bound);
    Double coldRatio = warmAmple == null || !s.cold() ? null : median / warmAmple;
    Map<String, Object> targets = targets(s, results, median, paced, ratio, boundRatio, coldRatio, window);
    if (lifecycle && warmAmple != null) {
      double r = median / warmAmple;
      targets.put("lifecycleToWarmAmpleAtLeast09", Map.of("value", r, "met", r >= 0.9));
      out.printf(java.util.Locale.ROOT, "[bench]   with payments and expiries beside it: %.2f of warm ample (%.1f/s)%n",
          r, warmAmple);
    }
    Map<String, Object> settings = new LinkedHashMap<>();
    settings.put("ordersPerRun", count);
    settings.put("runs", runs);
    settings.put("warmUpOrders", s.cold() ? 0 : warm);
    settings.put("cold", s.cold());
    settings.put("pacedRate", pacedRate);
    settings.put("pacedOrders", pacedCount);
    settings.put("baselineWorkers", o.baselineWorkers());
    settings.put("stockPerProduct", count + 1000);
    if (lifeFigures != null) {
      settings.put("lifecycle", lifeFigures);
    }
    out.printf("[bench] %s: %.1f confirmed orders/s (median of %d), paced p99 %.0f ms, baseline %.1f orders/s, "
        + "ratio %.2f, DTM ceiling %.1f tx/s, bound %.1f/s, bound ratio %.2f%s, JVM RSS peak %.0f MiB%n", s.name(), median,
        runs, paced.latencyConfirmedMs().p99(), baseMedian, ratio, ceilingMedian, bound, boundRatio,
        coldRatio == null ? "" : String.format(java.util.Locale.ROOT, ", cold/warm-ample %.2f", coldRatio),
        window.jvmRssPeakTotalMb());
    long confirmedInWindow = paced.confirmed() + results.stream().mapToLong(RunSummary::confirmed).sum();
    Map<String, Double> perOrder = cpuPerOrder(window, confirmedInWindow);
    out.printf("[bench]   CPU ms per confirmed order: %s%n", perOrder.entrySet().stream()
        .map(e -> e.getKey() + " " + String.format(java.util.Locale.ROOT, "%.1f", e.getValue()))
        .collect(java.util.stream.Collectors.joining(", ")));
    return new Result(s.name(), s.description(), store, quick, startedAt, MachineInfo.collect(), settings, results,
        median, paced, baseline, baseMedian, ratio, ceiling, ceilingMedian, bound, boundRatio, warmAmple, coldRatio,
        window, perOrder, targets);
  }

  /** The targets, each with the measured value and whether it was met. */
  static Map<String, Object> targets(Scenario s, List<RunSummary> runs, double median, RunSummary paced, double ratio,
      double boundRatio, Double coldRatio, ProcessSampler.Window window) {
    Map<String, Object> t = new LinkedHashMap<>();
    double longest = runs.stream().mapToDouble(RunSummary::durationSeconds).max().orElse(0);
    t.put("confirmedPerSecondAtLeast300", Map.of("value", median, "met", median >= 300,
        "sustainedSeconds", longest, "sustained60s", longest >= 60 && median >= 300));
    t.put("pacedP99Below250ms", Map.of("value", paced.latencyConfirmedMs().p99(),
        "met", paced.latencyConfirmedMs().p99() < 250 && paced.confirmed() > 0));
    t.put("boundRatioAtLeast07", Map.of("value", boundRatio, "met", boundRatio >= 0.7));
    t.put("ratioAtLeast035", Map.of("value", ratio, "met", ratio >= 0.35));
    if (coldRatio != null) {
      t.put("coldToWarmAmpleAtLeast08", Map.of("value", coldRatio, "met", coldRatio >= 0.8));
    }
    t.put("jvmRssBelow3GB", Map.of("valueMb", window.jvmRssPeakTotalMb(), "met", window.jvmRssPeakTotalMb() < 3072));
    boolean allComplete = runs.stream().allMatch(RunSummary::complete) && paced.complete();
    t.put("everyOrderFinal", Map.of("met", allComplete));
    return t;
  }

  /** A run or baseline step, retried: the stack is shared, and a part restarted by someone else must not sink the bench. */
  interface Step<T> {
    T call() throws Exception;
  }

  static <T> T retried(String what, PrintStream out, Step<T> step) throws Exception {
    for (int attempt = 1; ; attempt++) {
      try {
        return step.call();
      } catch (java.sql.SQLException | org.apache.kafka.common.KafkaException | java.io.IOException e) {
        if (attempt == 3) {
          throw e;
        }
        out.printf("[bench]   %s failed (%s), retrying in 10 s%n", what, e);
        Thread.sleep(10_000);
      }
    }
  }

  private static PrintStream quietStream() {
    return new PrintStream(java.io.OutputStream.nullOutputStream());
  }
}
