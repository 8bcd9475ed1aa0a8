package io.seckill.load.bench;

import com.fasterxml.jackson.databind.JsonNode;
import io.seckill.load.Endpoints;
import io.seckill.load.Percentiles;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;

/**
 * The http-admission scenario: admissions per second through the running seckill-api, driven by
 * {@code wrk} (an external HTTP load tool, a fresh buyer per request), against bare Redis running
 * the same {@code admit.lua} with the same keys and arguments through {@code redis-benchmark}, in
 * the same run; plus the sold-out path (requests for a sold-out product, answered from the API's
 * in-process flag).
 *
 * <p>Buyers: the API takes the buyer from a bearer token, and wrk's Lua cannot sign one, so a
 * pool of tokens for distinct buyers ({@link TokenPool}, {@value #TOKENS_PER_SECOND} per second of
 * a run, more than the API admits here) is minted with the stack's secret before the runs; every
 * run starts at the pool's first token, on a product of its own.
 *
 * <p>State: the launcher restarts seckill-api with {@code SECKILL_API_KAFKA_TOPIC=}{@value #TOPIC}
 * (no consumer reads it, so no admitted order enters the pipeline) and its reconciler off, and puts
 * it back afterwards. Every run uses a product id of its own (>= {@value #PRODUCT_BASE}), whose sale
 * is opened straight in Redis with the API's own {@code open.lua} and whose keys are deleted after
 * the run; the topic is deleted at the end.
 */
final class HttpAdmission {
  /** The topic the launcher points seckill-api at for this scenario. */
  static final String TOPIC = "seckill.bench.admission";
  static final long PRODUCT_BASE = 3_800_000_000L;
  static final int CONNECTIONS = 64;
  static final int WRK_THREADS = 2;
  /** The API's default rate limit (seckill-api.properties), so bare Redis does the same INCR/PEXPIRE. */
  static final int RATE_LIMIT = 10;
  static final int RATE_WINDOW_MS = 1000;
  /**
   * Tokens minted per second of a run: above the best admission rate measured here (about 4,500/s
   * before tokens were checked), so a run does not run out of fresh buyers.
   */
  static final int TOKENS_PER_SECOND = 6000;

  private HttpAdmission() {}

  /** One wrk run, as its script's done() reported it. */
  record WrkRun(String path, long productId, long requests, double seconds, long non2xx, long socketErrors,
      double perSecond, double p50Ms, double p90Ms, double p99Ms, double maxMs, long redisAdmissions,
      long tokenWraps) {}

  /** One redis-benchmark run of admit.lua. */
  record RedisRun(long productId, long requests, double perSecond, double p50Ms, double p99Ms, long admissions) {}

  /**
   * The scenario's figures, as written to its JSON file.
   *
   * @param admissionPerSecondMedian median admitted (2xx) responses/s through the API
   * @param bareRedisPerSecondMedian median admit.lua calls/s of redis-benchmark on the same Redis
   * @param admissionRatio their ratio (target: at least 0.3)
   * @param soldOutPerSecondMedian median sold-out answers/s (the in-process flag)
   */
  record Result(String scenario, String kind, String description, boolean quick, String startedAt, MachineInfo machine,
      Map<String, Object> settings, List<WrkRun> admissionRuns, double admissionPerSecondMedian,
      List<RedisRun> bareRedisRuns, double bareRedisPerSecondMedian, double admissionRatio, List<WrkRun> soldOutRuns,
      double soldOutPerSecondMedian, ProcessSampler.Window processes, Map<String, Object> targets) {}

  static Result bench(Scenario s, BenchMain.Options o, Endpoints endpoints, PrintStream out) throws Exception {
    String startedAt = Instant.now().toString();
    int runs = o.runs();
    int seconds = o.quick() ? 5 : 60;
    int warmSeconds = o.quick() ? 3 : 10;
    String api = endpoints.apiUrl();
    String redisPort = System.getenv().getOrDefault("SECKILL_REDIS_PORT", "6379");
    Redis redis = new Redis(redisPort);
    require("wrk", "Debian package wrk");
    require("redis-benchmark", "Debian package redis-tools");
    require("redis-cli", "Debian package redis-tools");
    redis.call("PING");
    ensureTopic(endpoints.kafkaBootstrap());
    Path work = Files.createDirectories(o.workDir());
    Path script = work.resolve("wrk-admission.lua");
    try (InputStream in = HttpAdmission.class.getResourceAsStream("/bench/wrk-admission.lua")) {
      if (in == null) {
        throw new IllegalStateException("bench/wrk-admission.lua is missing from the load-generator jar");
      }
      Files.write(script, in.readAllBytes());
    }
    String admitLua = lua(o.sqlDir(), "admit");
    String openLua = lua(o.sqlDir(), "open");
    String admitSha = redis.call("SCRIPT", "LOAD", admitLua).trim();
    long perThread = (long) TOKENS_PER_SECOND * seconds / WRK_THREADS;
    String tokens = work.resolve("wrk-tokens-").toString();
    long minting = System.nanoTime();
    TokenPool.write(endpoints.secrets().buyerTokens(), tokens, WRK_THREADS, perThread, 0, Instant.now());
    out.printf("[bench]   minted %d buyer tokens in %.1f s (%d per wrk thread)%n", perThread * WRK_THREADS,
        (System.nanoTime() - minting) / 1e9, perThread);
    out.printf("[bench] scenario %s: %s%n", s.name(), s.description());
    out.printf("[bench]   wrk -t%d -c%d against %s, %d s per run; redis-benchmark -c%d EVALSHA admit.lua (%s)%n",
        WRK_THREADS, CONNECTIONS, api, seconds, CONNECTIONS, admitSha);

    long base = PRODUCT_BASE + ThreadLocalRandom.current().nextLong(0, 1_000_000) * 100;
    long[] next = {base};
    List<Long> used = new ArrayList<>();
    ProcessSampler sampler = new ProcessSampler(o.runDir());
    List<WrkRun> admission = new ArrayList<>();
    List<WrkRun> soldOut = new ArrayList<>();
    List<RedisRun> bare = new ArrayList<>();
    try {
      // Warm-up (JIT, connections, Redis script cache), not counted.
      long warmProduct = fresh(next, used);
      redis.open(openLua, warmProduct, 1_000_000_000L);
      wrk(script, tokens, api, warmProduct, warmSeconds, "warm-up", redis);
      redis.purge(warmProduct);
      sampler.start();
      for (int i = 1; i <= runs; i++) {
        long p = fresh(next, used);
        redis.open(openLua, p, 1_000_000_000L);
        WrkRun r = wrk(script, tokens, api, p, seconds, "admission", redis);
        redis.purge(p);
        admission.add(r);
        out.printf("[bench]   admission %d/%d: %.0f admitted/s (%d requests, %d non-2xx, %d socket errors), "
            + "p50 %.1f ms, p99 %.1f ms%n", i, runs, r.perSecond(), r.requests(), r.non2xx(), r.socketErrors(), r.p50Ms(),
            r.p99Ms());
        if (r.tokenWraps() > 0) {
          out.printf("[bench]   WARNING: admission %d/%d used more than the %d tokens minted: raise TOKENS_PER_SECOND%n",
              i, runs, perThread * WRK_THREADS);
        }
      }
      long sold = fresh(next, used);
      redis.open(openLua, sold, 0);
      for (int i = 1; i <= runs; i++) {
        WrkRun r = wrk(script, tokens, api, sold, seconds, "sold-out", redis);
        soldOut.add(r);
        out.printf("[bench]   sold-out %d/%d: %.0f answers/s (%d requests, %d 2xx), p50 %.1f ms, p99 %.1f ms%n", i, runs,
            r.perSecond(), r.requests(), r.requests() - r.non2xx(), r.p50Ms(), r.p99Ms());
      }
      redis.purge(sold);
      // Bare Redis: the same script, keys and arguments, sized for about `seconds` at the probe's rate.
      long probeProduct = fresh(next, used);
      redis.open(openLua, probeProduct, 1_000_000_000L);
      RedisRun probe = redisBenchmark(redis, admitSha, probeProduct, o.quick() ? 20_000 : 50_000);
      redis.purge(probeProduct);
      long n = Math.max(20_000, Math.round(probe.perSecond() * seconds));
      for (int i = 1; i <= runs; i++) {
        long p = fresh(next, used);
        redis.open(openLua, p, 1_000_000_000L);
        RedisRun r = redisBenchmark(redis, admitSha, p, n);
        redis.purge(p);
        bare.add(r);
        out.printf("[bench]   bare Redis %d/%d: %.0f admit.lua/s (%d calls, %d admitted), p50 %.2f ms, p99 %.2f ms%n", i,
            runs, r.perSecond(), r.requests(), r.admissions(), r.p50Ms(), r.p99Ms());
      }
    } finally {
      for (long p : used) {
        redis.purge(p);
      }
      deleteTopic(endpoints.kafkaBootstrap(), out);
      for (int t = 0; t < WRK_THREADS; t++) {
        Files.deleteIfExists(Path.of(tokens + t + ".txt"));
      }
    }
    ProcessSampler.Window window = sampler.finish();
    double adm = Percentiles.median(admission.stream().map(WrkRun::perSecond).toList());
    double bareMedian = Percentiles.median(bare.stream().map(RedisRun::perSecond).toList());
    double sold = Percentiles.median(soldOut.stream().map(WrkRun::perSecond).toList());
    double ratio = admissionRatio(adm, bareMedian);
    Map<String, Object> targets = new LinkedHashMap<>();
    targets.put("admissionRatioAtLeast03", Map.of("value", ratio, "met", ratio >= 0.3));
    boolean clean = admission.stream().allMatch(r -> r.non2xx() == 0 && r.socketErrors() == 0);
    targets.put("everyAdmissionAccepted", Map.of("met", clean));
    targets.put("jvmRssBelow3GB", Map.of("valueMb", window.jvmRssPeakTotalMb(), "met", window.jvmRssPeakTotalMb() < 3072));
    Map<String, Object> settings = new LinkedHashMap<>();
    settings.put("secondsPerRun", seconds);
    settings.put("runs", runs);
    settings.put("connections", CONNECTIONS);
    settings.put("wrkThreads", WRK_THREADS);
    settings.put("topic", TOPIC);
    settings.put("rateLimit", RATE_LIMIT + " per " + RATE_WINDOW_MS + " ms (a fresh buyer per request never reaches it)");
    settings.put("buyerTokens", perThread * WRK_THREADS + " minted before the runs (HS256, one buyer each)");
    settings.put("bareRedisRequestsPerRun", bare.isEmpty() ? 0 : bare.get(0).requests());
    out.printf("[bench] %s: %.0f admissions/s through the API (median of %d), bare Redis %.0f admit.lua/s, "
        + "admission ratio %.3f, sold-out %.0f answers/s, JVM RSS peak %.0f MiB%n", s.name(), adm, runs, bareMedian, ratio,
        sold, window.jvmRssPeakTotalMb());
    return new Result(s.name(), Scenario.HTTP_ADMISSION, s.description(), o.quick(), startedAt, MachineInfo.collect(),
        settings, admission, adm, bare, bareMedian, ratio, soldOut, sold, window, targets);
  }

  /** API admissions/s over bare Redis admit.lua/s, 0 without a Redis figure. */
  static double admissionRatio(double admission, double bareRedis) {
    return bareRedis > 0 ? admission / bareRedis : 0;
  }

  private static long fresh(long[] next, List<Long> used) {
    long p = next[0]++;
    used.add(p);
    return p;
  }

  /** The API's Lua script {@code name}: from seckill-api's sources next to the sql dir. */
  static String lua(Path sqlDir, String name) throws IOException {
    Path p = sqlDir.toAbsolutePath().getParent().resolve("seckill-api/src/main/resources/lua/" + name + ".lua");
    if (!Files.exists(p)) {
      throw new IllegalStateException("http-admission: the admission script " + p + " is missing");
    }
    return Files.readString(p, StandardCharsets.UTF_8);
  }

  private static WrkRun wrk(Path script, String tokens, String api, long product, int seconds, String path,
      Redis redis) throws Exception {
    String url = api.replaceAll("/+$", "") + "/api/v1/seckill/orders";
    List<String> cmd = List.of("wrk", "-t" + WRK_THREADS, "-c" + CONNECTIONS, "-d" + seconds + "s", "--timeout", "10s",
        "-s", script.toString(), url, "--", Long.toString(product), tokens, Integer.toString(WRK_THREADS));
    String text = run(cmd, seconds + 60);
    JsonNode j = lastJsonLine(text, "wrk");
    long requests = j.path("requests").asLong();
    double secs = j.path("durationUs").asDouble() / 1e6;
    long non2xx = j.path("non2xx").asLong();
    long socket = j.path("connectErrors").asLong() + j.path("readErrors").asLong() + j.path("writeErrors").asLong()
        + j.path("timeouts").asLong();
    // Admission runs count admitted (2xx) answers; the sold-out run counts its 409 answers.
    long counted = "sold-out".equals(path) ? non2xx : requests - non2xx;
    long minted = "sold-out".equals(path) ? 0 : redis.admissions(product);
    return new WrkRun(path, product, requests, secs, non2xx, socket, secs > 0 ? counted / secs : 0,
        j.path("p50Us").asDouble() / 1000, j.path("p90Us").asDouble() / 1000, j.path("p99Us").asDouble() / 1000,
        j.path("maxUs").asDouble() / 1000, minted, j.path("tokenWraps").asLong());
  }

  private static RedisRun redisBenchmark(Redis redis, String sha, long product, long n) throws Exception {
    String p = "{" + product + "}";
    List<String> cmd = new ArrayList<>(List.of("redis-benchmark", "-h", "127.0.0.1", "-p", redis.port,
        "-c", Integer.toString(CONNECTIONS), "-n", Long.toString(n), "-r", "2000000000", "--csv",
        "EVALSHA", sha, "6", "seckill:sale:" + p, "seckill:users:" + p, "seckill:pending:" + p, "seckill:adm:" + p,
        "seckill:state:" + p, "seckill:rate:" + p + ":__rand_int__",
        "__rand_int__", "1", "0", Long.toString(System.currentTimeMillis()), Integer.toString(RATE_LIMIT),
        Integer.toString(RATE_WINDOW_MS), Long.toString(product),
        // The order id's random part, which the API draws from SecureRandom: two placeholders, each
        // drawn on its own, so ids never collide within a run (a collision is an error reply).
        "__rand_int____rand_int__"));
    String text = run(cmd, 900);
    double[] f = parseRedisBenchmarkCsv(text);
    return new RedisRun(product, n, f[0], f[1], f[2], redis.admissions(product));
  }

  /**
   * rps, p50 ms and p99 ms from redis-benchmark's --csv output: a header line
   * {@code "test","rps","avg_latency_ms","min_latency_ms","p50_latency_ms","p95_latency_ms","p99_latency_ms",...}
   * and one data line (older versions print only test and rps).
   */
  static double[] parseRedisBenchmarkCsv(String text) {
    List<String> header = null;
    for (String line : text.split("\\R")) {
      List<String> cells = List.of(line.replace("\"", "").split(","));
      if (cells.size() < 2) {
        continue;
      }
      if (cells.get(0).equals("test")) {
        header = cells;
        continue;
      }
      try {
        double rps = Double.parseDouble(cells.get(1));
        double p50 = header != null && header.indexOf("p50_latency_ms") > 0 ? Double.parseDouble(cells.get(header.indexOf("p50_latency_ms"))) : 0;
        double p99 = header != null && header.indexOf("p99_latency_ms") > 0 ? Double.parseDouble(cells.get(header.indexOf("p99_latency_ms"))) : 0;
        return new double[] {rps, p50, p99};
      } catch (NumberFormatException | IndexOutOfBoundsException e) {
        // not a data line
      }
    }
    throw new IllegalStateException("redis-benchmark printed no CSV result: " + text.strip());
  }

  /** The last line of {@code text} that is a JSON object (wrk's done() line). */
  static JsonNode lastJsonLine(String text, String tool) throws IOException {
    String found = null;
    for (String line : text.split("\\R")) {
      if (line.startsWith("{") && line.endsWith("}")) {
        found = line;
      }
    }
    if (found == null) {
      throw new IllegalStateException(tool + " printed no summary line: " + text.strip());
    }
    return BenchMain.JSON.readTree(found);
  }

  static String run(List<String> cmd, long timeoutSeconds) throws Exception {
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    byte[] outBytes;
    try (InputStream in = p.getInputStream()) {
      outBytes = in.readAllBytes();
    }
    if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new IllegalStateException(cmd.get(0) + " did not finish within " + timeoutSeconds + " s");
    }
    String text = new String(outBytes, StandardCharsets.UTF_8);
    if (p.exitValue() != 0) {
      throw new IllegalStateException(String.join(" ", cmd.subList(0, Math.min(cmd.size(), 8))) + " ... exited "
          + p.exitValue() + ": " + text.strip());
    }
    return text;
  }

  /** Fails naming {@code tool} and its package unless an executable of that name is on the PATH. */
  static void require(String tool, String packageName) {
    String path = System.getenv().getOrDefault("PATH", "");
    for (String dir : path.split(java.io.File.pathSeparator)) {
      if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, tool))) {
        return;
      }
    }
    throw new IllegalStateException("http-admission needs " + tool + " on the PATH (" + packageName
        + "; ./seckill bench installs it with apt-get when missing)");
  }

  private static void ensureTopic(String bootstrap) throws Exception {
    try (Admin admin = Admin.create(adminProps(bootstrap))) {
      Set<String> names = admin.listTopics().names().get(30, TimeUnit.SECONDS);
      if (!names.contains(TOPIC)) {
        admin.createTopics(List.of(new NewTopic(TOPIC, 1, (short) 1))).all().get(30, TimeUnit.SECONDS);
      }
    }
  }

  private static void deleteTopic(String bootstrap, PrintStream out) {
    try (Admin admin = Admin.create(adminProps(bootstrap))) {
      admin.deleteTopics(List.of(TOPIC)).all().get(30, TimeUnit.SECONDS);
    } catch (Exception e) {
      out.printf("[bench]   WARNING: could not delete topic %s: %s%n", TOPIC, e);
    }
  }

  private static Properties adminProps(String bootstrap) {
    Properties p = new Properties();
    p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    return p;
  }

  /** redis-cli against the stack's Redis: the sale keys of the bench's products, nothing else. */
  static final class Redis {
    final String port;

    Redis(String port) {
      this.port = port;
    }

    String call(String... args) throws Exception {
      List<String> cmd = new ArrayList<>(List.of("redis-cli", "-h", "127.0.0.1", "-p", port));
      cmd.addAll(List.of(args));
      String out = run(cmd, 60);
      if (out.startsWith("ERR") || out.contains("(error)")) {
        throw new IllegalStateException("redis-cli " + args[0] + ": " + out.strip());
      }
      return out;
    }

    /** Opens the sale of {@code product} with {@code left} slots, as the API's admin call does (open.lua). */
    void open(String openLua, long product, long left) throws Exception {
      String p = "{" + product + "}";
      long now = System.currentTimeMillis();
      call("EVAL", openLua, "2", "seckill:sale:" + p, "seckill:sales", Long.toString(product), Long.toString(left),
          "1000", Long.toString(now, 36), Long.toString(left), Long.toString(now));
    }

    /** Admissions minted on {@code product} (the sale's sequence). */
    long admissions(long product) throws Exception {
      // One admission record per admitted order (admit.lua), whichever client ran the script.
      String v = call("HLEN", "seckill:adm:{" + product + "}").trim();
      return v.isEmpty() ? 0 : Long.parseLong(v);
    }

    /** Deletes the product's admission keys (its rate counters expire within a second by themselves). */
    void purge(long product) throws Exception {
      String p = "{" + product + "}";
      call("DEL", "seckill:sale:" + p, "seckill:users:" + p, "seckill:pending:" + p, "seckill:adm:" + p,
          "seckill:state:" + p);
      call("SREM", "seckill:sales", Long.toString(product));
    }
  }

  static String fmt(double v) {
    return String.format(Locale.ROOT, "%.1f", v);
  }
}
