package io.seckill.api.bench;

import io.seckill.api.AdmissionStore;
import io.seckill.api.ApiConfig;
import io.seckill.api.ApiServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;

/**
 * Admissions per second through the HTTP API (Lua + Kafka ack + HTTP) against the same Lua script
 * called directly through Redisson, in one run on this machine, and their ratio. Not a test.
 *
 * <p>Usage: {@code java -cp 'target/seckill-api.jar:target/lib/*' io.seckill.api.bench.AdmissionBenchmark
 * [requests=20000] [concurrency=64]}. It starts its own API server on a free port, publishes to the
 * topic {@code seckill.api.bench} (no consumer reads it) and uses its own product ids >= 3,900,000,
 * removing their Redis keys at the end. Endpoints come from the usual config and env.
 */
public final class AdmissionBenchmark {
  private static final String TOPIC = "seckill.api.bench";

  private AdmissionBenchmark() {}

  /** Runs the benchmark and prints one line per path plus the ratio. */
  public static void main(String[] args) throws Exception {
    int requests = args.length > 0 ? Integer.parseInt(args[0]) : 20_000;
    int concurrency = args.length > 1 ? Integer.parseInt(args[1]) : 64;
    Map<String, String> o = new HashMap<>();
    o.put(ApiConfig.HTTP_PORT, "0");
    o.put(ApiConfig.KAFKA_TOPIC, TOPIC);
    o.put(ApiConfig.RECONCILE_INTERVAL_MS, "0");
    o.put(ApiConfig.COUPON_SOURCE, "fixed");
    o.put(ApiConfig.RATE_LIMIT, "0");
    o.put(ApiConfig.HTTP_WORKER_THREADS, Integer.toString(Math.max(64, concurrency * 2)));
    ApiConfig config = ApiConfig.load().with(o).validate();
    ensureTopic(config.address(ApiConfig.KAFKA_HOST, ApiConfig.KAFKA_PORT));

    long base = 3_900_000L + ThreadLocalRandom.current().nextLong(0, 1_000_000) * 4;
    List<Long> products = List.of(base, base + 1, base + 2, base + 3);
    try (ApiServer server = ApiServer.start(config)) {
      AdmissionStore store = server.store();
      HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(Duration.ofSeconds(5)).build();
      URI uri = URI.create("http://127.0.0.1:" + server.port() + "/api/v1/seckill/orders");
      int warm = Math.min(2_000, requests);
      try {
        // Warm-up of both paths so the JIT and the connection pools are not measured.
        store.openSale(products.get(0), warm, 1000, warm, System.currentTimeMillis());
        run(warm, concurrency, user -> http(http, uri, user, products.get(0)));
        store.openSale(products.get(1), warm, 1000, warm, System.currentTimeMillis());
        run(warm, concurrency, user -> direct(store, user, products.get(1)));

        store.openSale(products.get(2), requests, 1000, requests, System.currentTimeMillis());
        Run httpRun = run(requests, concurrency, user -> http(http, uri, user, products.get(2)));
        store.openSale(products.get(3), requests, 1000, requests, System.currentTimeMillis());
        Run directRun = run(requests, concurrency, user -> direct(store, user, products.get(3)));

        System.out.printf("machine: %d cores; requests per path: %d; concurrency: %d%n",
            Runtime.getRuntime().availableProcessors(), requests, concurrency);
        System.out.printf("http api   (Lua + Kafka acks=all + HTTP): %8.0f admissions/s, %d admitted, p50 %.2f ms, p99 %.2f ms%n",
            httpRun.perSecond(), httpRun.admitted, httpRun.percentileMs(50), httpRun.percentileMs(99));
        System.out.printf("direct Lua (Redisson EVALSHA loop)      : %8.0f admissions/s, %d admitted, p50 %.2f ms, p99 %.2f ms%n",
            directRun.perSecond(), directRun.admitted, directRun.percentileMs(50), directRun.percentileMs(99));
        System.out.printf("ratio http/direct: %.3f%n", httpRun.perSecond() / directRun.perSecond());
      } finally {
        // The benchmark's products never reach the databases: their admission keys simply go.
        products.forEach(store::purge);
      }
    }
    System.exit(0);
  }

  private interface Attempt {
    boolean admit(long user) throws Exception;
  }

  private record Run(int admitted, long nanos, long[] latencies) {
    double perSecond() {
      return admitted / (nanos / 1e9);
    }

    double percentileMs(int p) {
      long[] sorted = latencies.clone();
      java.util.Arrays.sort(sorted);
      return sorted[Math.min(sorted.length - 1, sorted.length * p / 100)] / 1e6;
    }
  }

  private static Run run(int requests, int concurrency, Attempt attempt) throws Exception {
    AtomicInteger next = new AtomicInteger();
    AtomicInteger admitted = new AtomicInteger();
    long[] latencies = new long[requests];
    AtomicLong failures = new AtomicLong();
    ExecutorService pool = Executors.newFixedThreadPool(concurrency);
    List<Future<?>> futures = new ArrayList<>();
    long start = System.nanoTime();
    for (int t = 0; t < concurrency; t++) {
      futures.add(pool.submit(() -> {
        int i;
        while ((i = next.getAndIncrement()) < requests) {
          long s = System.nanoTime();
          try {
            if (attempt.admit(i + 1L)) {
              admitted.incrementAndGet();
            }
          } catch (Exception e) {
            failures.incrementAndGet();
          }
          latencies[i] = System.nanoTime() - s;
        }
        return null;
      }));
    }
    for (Future<?> f : futures) {
      f.get(30, TimeUnit.MINUTES);
    }
    long nanos = System.nanoTime() - start;
    pool.shutdown();
    if (failures.get() > 0) {
      System.out.println("failures: " + failures.get());
    }
    return new Run(admitted.get(), nanos, latencies);
  }

  private static boolean http(HttpClient http, URI uri, long user, long product) throws Exception {
    String body = "{\"userId\":" + user + ",\"productId\":" + product + ",\"quantity\":1,\"couponId\":0}";
    HttpResponse<Void> r = http.send(HttpRequest.newBuilder(uri).header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.discarding());
    return r.statusCode() == 202;
  }

  private static boolean direct(AdmissionStore store, long user, long product) {
    return store.admit(user, product, 1, 0, System.currentTimeMillis(), 0, 1000).outcome()
        == AdmissionStore.Outcome.ADMITTED;
  }

  private static void ensureTopic(String bootstrap) throws Exception {
    Properties p = new Properties();
    p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    try (Admin admin = Admin.create(p)) {
      Set<String> names = admin.listTopics().names().get(30, TimeUnit.SECONDS);
      if (!names.contains(TOPIC)) {
        admin.createTopics(List.of(new NewTopic(TOPIC, 3, (short) 1))).all().get(30, TimeUnit.SECONDS);
      }
    }
  }
}
