package io.seckill.api;

import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The live view of a sale: stock and slots per product, admissions, confirmations, enqueue-to-final
 * latency, consumer lag, DTM's transactions and the health of every part, sampled every
 * {@code refreshMs} while someone watches (a dashboard poll or a {@code /metrics} scrape in the
 * last {@code idleAfterMs}) and not at all otherwise, so an unwatched sale pays nothing for it.
 * Rates are deltas over the last {@code rateWindowMs} of samples; a counter that went down (its
 * part restarted) counts from zero. The same figures are published as gauges for Prometheus.
 */
public final class Dashboard implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Dashboard.class);
  /** Chart points kept: two minutes at one sample a second. */
  static final int HISTORY = 120;
  private static final long RATE_WINDOW_MS = 5_000;
  private static final long PRODUCT_LIST_MS = 10_000;

  /** The dashboard's settings. */
  public record Settings(long refreshMs, long idleAfterMs, int maxProducts, URI consumerMetrics, URI dtmMetrics,
      long scrapeTimeoutMs) {}

  /** One part's health. */
  public record Part(String name, boolean up, String detail) {}

  /** One product of a sale: the product database's counters and the Redis slots left. */
  public record ProductView(long productId, String name, boolean open, long initial, long available, long frozen,
      long sold, long slotsLeft) {}

  /** One chart point: rates over the window ending at {@code at}; latencies null without orders in it. */
  public record Point(long at, Map<String, Double> admissionsPerSecond, double confirmedPerSecond,
      double cancelledPerSecond, Double p50Ms, Double p99Ms, long lag, Map<String, Double> dtmPerSecond) {}

  /** What the page gets: the latest sample, its totals and the chart history. */
  public record View(long at, long refreshMs, List<ProductView> products, Map<String, Double> admissionsTotal,
      double confirmedTotal, double cancelledTotal, long lag, Map<String, Double> dtmTotal, List<Part> health,
      List<Point> history) {}

  /** Cumulative counters of one sample; {@code lag} is -1 when the consumer did not answer. */
  record Raw(long at, Map<String, Double> admissions, double confirmed, double cancelled,
      TreeMap<Double, Double> latencyBuckets, Map<String, Double> dtm, long lag) {}

  private final AdmissionStore store;
  private final ProductCatalog catalog;
  private final ApiMetrics metrics;
  private final PartProbes probes;
  private final Settings settings;
  private final HttpClient http;
  private final ScheduledExecutorService timer;
  private final Deque<Raw> raws = new ArrayDeque<>();
  private final Deque<Point> history = new ArrayDeque<>();
  private volatile long watchedAt;
  private volatile View latest;
  private List<Long> shown = List.of();
  private long listedAt;

  /** A dashboard over the API's parts; {@link #start()} begins sampling. */
  public Dashboard(AdmissionStore store, ProductCatalog catalog, ApiMetrics metrics, PartProbes probes,
      Settings settings) {
    this.store = store;
    this.catalog = catalog;
    this.metrics = metrics;
    this.probes = probes;
    this.settings = settings;
    this.http = HttpClient.newBuilder().connectTimeout(Duration.ofMillis(800)).version(HttpClient.Version.HTTP_1_1)
        .build();
    this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "api-dashboard");
      t.setDaemon(true);
      return t;
    });
    this.latest = new View(0, settings.refreshMs(), List.of(), Map.of(), 0, 0, -1, Map.of(), List.of(), List.of());
    GaugeWithCallback.builder().name("seckill_sale_stock")
        .help("Stock of the products on the dashboard, by state (the product database's counters).")
        .labelNames("product", "state")
        .callback(cb -> latest.products().forEach(p -> {
          String id = Long.toString(p.productId());
          cb.call(p.available(), id, "available");
          cb.call(p.frozen(), id, "frozen");
          cb.call(p.sold(), id, "sold");
        })).register(metrics.registry());
    GaugeWithCallback.builder().name("seckill_sale_slots_left")
        .help("Redis admission slots left of the products on the dashboard.").labelNames("product")
        .callback(cb -> latest.products().forEach(p -> cb.call(p.slotsLeft(), Long.toString(p.productId()))))
        .register(metrics.registry());
    GaugeWithCallback.builder().name("seckill_api_part_up")
        .help("1 when the part answered its health check at the last dashboard sample, else 0.").labelNames("part")
        .callback(cb -> latest.health().forEach(h -> cb.call(h.up() ? 1 : 0, h.name())))
        .register(metrics.registry());
  }

  /** Starts sampling (only while watched). */
  public void start() {
    timer.scheduleWithFixedDelay(this::tick, 0, settings.refreshMs(), TimeUnit.MILLISECONDS);
  }

  /** Someone looks: keep sampling for another {@code idleAfterMs}. */
  public void touch() {
    watchedAt = System.currentTimeMillis();
  }

  /** The latest view; marks the dashboard watched. */
  public View view() {
    touch();
    return latest;
  }

  private void tick() {
    if (System.currentTimeMillis() - watchedAt > settings.idleAfterMs()) {
      return;
    }
    try {
      sample();
    } catch (RuntimeException e) {
      if (!timer.isShutdown()) {
        log.warn("dashboard sample failed", e);
      }
    }
  }

  /** Takes one sample now (the timer calls it; tests too). */
  void sample() {
    long now = System.currentTimeMillis();
    CompletableFuture<String> consumer = scrape(settings.consumerMetrics());
    CompletableFuture<String> dtm = scrape(settings.dtmMetrics());
    CompletableFuture<List<Part>> health = probes.check();
    List<ProductView> products = products(now);
    Raw raw = raw(now, metrics.admissionsByOutcome(), consumer.join(), dtm.join());
    raws.addLast(raw);
    while (raws.size() > 2 && raws.peekFirst().at() < now - RATE_WINDOW_MS) {
      raws.removeFirst();
    }
    Point point = point(raws.peekFirst(), raw);
    if (point != null) {
      history.addLast(point);
      while (history.size() > HISTORY) {
        history.removeFirst();
      }
    }
    latest = new View(now, settings.refreshMs(), products, raw.admissions(), raw.confirmed(), raw.cancelled(),
        raw.lag(), raw.dtm(), health.join(), List.copyOf(history));
  }

  private CompletableFuture<String> scrape(URI uri) {
    HttpRequest req = HttpRequest.newBuilder(uri).timeout(Duration.ofMillis(settings.scrapeTimeoutMs())).GET().build();
    return http.sendAsync(req, HttpResponse.BodyHandlers.ofString())
        .thenApply(r -> r.statusCode() == 200 ? r.body() : null)
        .exceptionally(e -> null);
  }

  /** The sales shown: open ones first, the most recently loaded first, at most {@code maxProducts}. */
  private List<ProductView> products(long now) {
    if (now - listedAt >= PRODUCT_LIST_MS) {
      listedAt = now;
      List<AdmissionStore.Sale> sales = new ArrayList<>();
      for (long id : store.products()) {
        store.sale(id).ifPresent(sales::add);
      }
      shown = sales.stream()
          .sorted(Comparator.comparing(AdmissionStore.Sale::open).reversed()
              .thenComparing(Comparator.comparingLong(AdmissionStore.Sale::loadedAt).reversed())
              .thenComparingLong(AdmissionStore.Sale::productId))
          .limit(settings.maxProducts()).map(AdmissionStore.Sale::productId).sorted().toList();
    }
    List<ProductView> out = new ArrayList<>(shown.size());
    for (long id : shown) {
      Optional<AdmissionStore.Sale> sale = store.sale(id);
      Optional<ProductCatalog.ProductStock> stock;
      try {
        stock = catalog.stock(id);
      } catch (RuntimeException e) {
        stock = Optional.empty();
      }
      if (sale.isEmpty()) {
        continue;
      }
      AdmissionStore.Sale s = sale.get();
      out.add(stock.map(p -> new ProductView(id, p.name(), s.open(), p.initialStock(), p.available(), p.frozen(),
          p.sold(), s.left())).orElse(new ProductView(id, "", s.open(), s.initial(), -1, -1, -1, s.left())));
    }
    return out;
  }

  /** One sample's counters from the API's own admissions and the two scraped texts (null: no answer). */
  static Raw raw(long at, Map<String, Double> admissions, String consumer, String dtm) {
    double confirmed = 0;
    double cancelled = 0;
    long lag = -1;
    TreeMap<Double, Double> buckets = new TreeMap<>();
    if (consumer != null) {
      for (MetricsText.Sample s : MetricsText.parse(consumer, "seckill_consumer_orders_total",
          "seckill_consumer_order_latency_seconds_bucket", "seckill_consumer_lag_records_sum")) {
        switch (s.name()) {
          case "seckill_consumer_orders_total" -> {
            String outcome = s.label("outcome");
            if (outcome.equals("confirmed") || outcome.equals("already_confirmed")) {
              confirmed += s.value();
            } else {
              cancelled += s.value();
            }
          }
          case "seckill_consumer_order_latency_seconds_bucket" -> {
            String le = s.label("le");
            buckets.merge(le.equals("+Inf") ? Double.POSITIVE_INFINITY : Double.parseDouble(le), s.value(),
                Double::sum);
          }
          default -> lag = (long) s.value();
        }
      }
    }
    Map<String, Double> transactions = new TreeMap<>();
    if (dtm != null) {
      for (MetricsText.Sample s : MetricsText.parse(dtm, "dtm_transaction_process_total")) {
        transactions.merge(s.label("model") + " " + s.label("status"), s.value(), Double::sum);
      }
    }
    return new Raw(at, Map.copyOf(admissions), confirmed, cancelled, buckets, transactions, lag);
  }

  /** The rates from {@code from} to {@code to}; null when they are the same sample. */
  static Point point(Raw from, Raw to) {
    if (from == null || to.at() <= from.at()) {
      return null;
    }
    double seconds = (to.at() - from.at()) / 1000.0;
    TreeMap<Double, Double> window = new TreeMap<>();
    to.latencyBuckets().forEach((le, n) -> window.put(le, delta(from.latencyBuckets().get(le), n)));
    return new Point(to.at(), rates(from.admissions(), to.admissions(), seconds),
        delta(from.confirmed(), to.confirmed()) / seconds, delta(from.cancelled(), to.cancelled()) / seconds,
        quantileMs(window, 0.5), quantileMs(window, 0.99), to.lag(), rates(from.dtm(), to.dtm(), seconds));
  }

  private static Map<String, Double> rates(Map<String, Double> from, Map<String, Double> to, double seconds) {
    Map<String, Double> out = new TreeMap<>();
    to.forEach((k, v) -> out.put(k, delta(from.get(k), v) / seconds));
    return out;
  }

  /** A counter's increase; a counter below its earlier value restarted from zero. */
  static double delta(Double before, double now) {
    if (before == null || now < before) {
      return now;
    }
    return now - before;
  }

  /**
   * The {@code q} quantile in milliseconds of a window of cumulative histogram buckets (upper bound
   * in seconds -> count), interpolated inside its bucket; null when the window holds nothing. In the
   * last, unbounded bucket the answer is the highest finite bound.
   */
  static Double quantileMs(TreeMap<Double, Double> cumulative, double q) {
    Double total = cumulative.isEmpty() ? null : cumulative.lastEntry().getValue();
    if (total == null || total <= 0) {
      return null;
    }
    double rank = q * total;
    double lowerBound = 0;
    double lowerCount = 0;
    for (Map.Entry<Double, Double> b : cumulative.entrySet()) {
      if (b.getValue() >= rank) {
        if (b.getKey().isInfinite()) {
          return lowerBound * 1000;
        }
        double inBucket = b.getValue() - lowerCount;
        double fraction = inBucket <= 0 ? 1 : (rank - lowerCount) / inBucket;
        return (lowerBound + (b.getKey() - lowerBound) * fraction) * 1000;
      }
      lowerBound = b.getKey();
      lowerCount = b.getValue();
    }
    return lowerBound * 1000;
  }

  @Override
  public void close() {
    timer.shutdownNow();
    probes.close();
  }
}
