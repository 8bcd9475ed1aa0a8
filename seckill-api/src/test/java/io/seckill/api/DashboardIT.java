package io.seckill.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.File;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.redisson.api.RedissonClient;

/**
 * The live dashboard in a real browser: while buyers keep coming through an API on the real stack,
 * headless Chromium loads {@code /dashboard/} with the operator token, runs its script and renders its
 * charts. The page's DOM, dumped twice a few seconds apart, must show every part healthy, the sale's
 * product with its stock, five charts that received points, and counters that moved between the two
 * dumps. A screenshot is saved with the test output ({@code target/dashboard-it/dashboard.png}).
 */
class DashboardIT {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Path OUT = Path.of("target", "dashboard-it");
  private static final List<String> PARTS = List.of("seckill-api", "order-rpc", "product-rpc", "coupon-rpc", "pay-rpc",
      "seckill-consumer", "dtm", "kafka", "redis", "mariadb");
  private static final List<String> CHARTS = List.of("chart-admissions", "chart-orders", "chart-latency", "chart-lag",
      "chart-dtm");
  private static RedissonClient redis;
  private static String chromium;

  @BeforeAll
  static void connect() {
    chromium = chromium().orElseGet(() -> fail("headless Chromium is needed for the dashboard test and none was found"
        + " (looked for $SECKILL_CHROMIUM, chromium, chromium-browser, google-chrome on PATH): `./seckill test` installs"
        + " Debian's chromium package, or run `apt-get install chromium`"));
    assertTrue(TestStack.reachable(TestStack.REDIS_PORT), "Redis of the local stack is not running (./seckill up)");
    assertTrue(TestStack.reachable(TestStack.KAFKA_PORT), "Kafka of the local stack is not running (./seckill up)");
    assertTrue(TestStack.consumerRunning(), "seckill-consumer is not running (./seckill up)");
    redis = TestStack.redis();
  }

  @AfterAll
  static void disconnect() {
    if (redis != null) {
      redis.shutdown();
    }
  }

  @Test
  void thePageShowsTheSaleMovingInARealBrowser() throws Exception {
    long product = TestStack.testProductId();
    AtomicBoolean buying = new AtomicBoolean(true);
    AtomicLong buyers = new AtomicLong();
    Thread load = null;
    try (Connection db = TestStack.db()) {
      TestStack.insertProduct(db, product, "dashboard test item", 700, 150);
      try (ApiServer server = ApiServer.start(TestStack.config(Map.of(ApiConfig.KAFKA_TOPIC.name(), "seckill.orders",
          ApiConfig.DASHBOARD_REFRESH_MS.name(), "500", ApiConfig.DASHBOARD_MAX_PRODUCTS.name(), "500")))) {
        HttpResponse<String> open = TestStack.adminPost(server.adminPort(), "/api/v1/admin/sales/" + product + "/open");
        assertEquals(200, open.statusCode(), open.body());
        String token = TestStack.SECRETS.adminTokenValue();
        HttpResponse<String> anonymous = TestStack.get(server.adminPort(), "/api/v1/admin/dashboard");
        assertEquals(401, anonymous.statusCode(), "the figures need the operator token: " + anonymous.body());

        // About 30 buyers a second, one unit each, until the end of the test: 150 units sell out
        // part-way, so the outcome chart gets admissions and sold-out answers.
        load = new Thread(() -> {
          while (buying.get()) {
            try {
              TestStack.admit(server.port(), 5_000_000 + buyers.incrementAndGet(), product, 1, 0);
              Thread.sleep(33);
            } catch (InterruptedException e) {
              return;
            } catch (Exception e) {
              // The answers are not what this test is about; the dashboard's counters are.
            }
          }
        }, "dashboard-it-buyers");
        load.start();

        JsonNode view = awaitView(server.adminPort(), token);
        assertTrue(view.get("confirmedTotal").asDouble() > 0, "orders got confirmed: " + view);

        Files.createDirectories(OUT);
        String first = browser(server.adminPort(), token, "--dump-dom");
        Thread.sleep(3_000);
        String second = browser(server.adminPort(), token, "--dump-dom");
        Files.writeString(OUT.resolve("dashboard-first.html"), first);
        Files.writeString(OUT.resolve("dashboard-second.html"), second);
        browser(server.adminPort(), token, "--screenshot=" + OUT.resolve("dashboard.png").toAbsolutePath(),
            "--window-size=1400,1700");

        assertTrue(second.contains("data-state=\"live\""), "the page reached the API and shows live figures");
        assertTrue(Pattern.compile("<main id=\"board\"(?![^>]*hidden)").matcher(second).find(), "the board is shown");
        Map<String, String> health = attributes(second, "<li data-part=\"([a-z-]+)\" data-up=\"(true|false)\"");
        assertEquals(new TreeSet<>(PARTS), new TreeSet<>(health.keySet()), "every part has a health tile");
        health.forEach((part, up) -> assertEquals("true", up, part + " is up on a running stack"));
        Matcher row = Pattern.compile("<tr data-product=\"" + product + "\">(.*?)</tr>").matcher(second);
        assertTrue(row.find(), "the sale's product has a row");
        List<String> cells = cells(row.group(1));
        assertEquals("dashboard test item", cells.get(1));
        long sold = Long.parseLong(cells.get(5).replace(",", ""));
        long frozen = Long.parseLong(cells.get(4).replace(",", ""));
        assertTrue(sold + frozen > 0, "the row shows units sold or frozen: " + cells);
        for (String chart : CHARTS) {
          Matcher m = Pattern.compile("id=\"" + chart + "\" data-points=\"(\\d+)\" data-series=\"(\\d+)\"").matcher(second);
          assertTrue(m.find(), chart + " was drawn");
          assertTrue(Integer.parseInt(m.group(1)) >= 2, chart + " received points: " + m.group());
          assertTrue(Integer.parseInt(m.group(2)) >= 1, chart + " has a series: " + m.group());
        }
        assertTrue(count(second, "<canvas") >= CHARTS.size(), "uPlot drew a canvas per chart");

        long admitted0 = number(first, "admitted-total");
        long admitted1 = number(second, "admitted-total");
        long confirmed0 = number(first, "confirmed-total");
        long confirmed1 = number(second, "confirmed-total");
        assertTrue(admitted1 > admitted0 || confirmed1 > confirmed0,
            "the counters moved between the dumps: admitted " + admitted0 + " -> " + admitted1 + ", confirmed "
                + confirmed0 + " -> " + confirmed1);
        byte[] png = Files.readAllBytes(OUT.resolve("dashboard.png"));
        assertTrue(png.length > 20_000 && png[1] == 'P' && png[2] == 'N' && png[3] == 'G',
            "a screenshot of " + png.length + " bytes");
        System.out.println("[dashboard] " + buyers.get() + " buyers; admitted " + admitted0 + " -> " + admitted1
            + ", confirmed " + confirmed0 + " -> " + confirmed1 + "; screenshot " + OUT.resolve("dashboard.png"));

        buying.set(false);
        load.join(10_000);
        awaitSettled(db, server, product);
      }
    } finally {
      buying.set(false);
      if (load != null) {
        load.join(10_000);
      }
      TestStack.deleteProductRows(product);
      TestStack.cleanRedis(redis, product);
    }
  }

  /** The dashboard's figures once they hold a few points and a confirmed order. */
  private static JsonNode awaitView(int adminPort, String token) throws Exception {
    long deadline = System.currentTimeMillis() + 120_000;
    JsonNode view = null;
    while (System.currentTimeMillis() < deadline) {
      HttpResponse<String> r = TestStack.get(adminPort, "/api/v1/admin/dashboard", "Authorization", "Bearer " + token);
      assertEquals(200, r.statusCode(), r.body());
      view = JSON.readTree(r.body());
      if (view.get("history").size() >= 4 && view.get("confirmedTotal").asDouble() > 0
          && view.get("products").size() > 0) {
        return view;
      }
      Thread.sleep(500);
    }
    return fail("the dashboard never showed a confirmed order and four points within 120 s: " + view);
  }

  /** Runs headless Chromium on the page with the token in the fragment; its standard output. */
  private static String browser(int adminPort, String token, String... what) throws Exception {
    List<String> cmd = new ArrayList<>(List.of(chromium, "--headless", "--no-sandbox", "--disable-gpu",
        "--disable-dev-shm-usage", "--no-first-run", "--hide-scrollbars", "--virtual-time-budget=4000"));
    cmd.addAll(List.of(what));
    cmd.add("http://127.0.0.1:" + adminPort + "/dashboard/#token=" + token);
    File log = OUT.resolve("chromium.log").toFile();
    Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.appendTo(log)).start();
    String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
    if (!p.waitFor(60, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      fail("Chromium did not finish within 60 s (log " + log + ")");
    }
    assertEquals(0, p.exitValue(), "Chromium failed (log " + log + ")");
    return out;
  }

  /** Waits until every order of the product is final and no admission is pending (the suite's verify needs it). */
  private static void awaitSettled(Connection db, ApiServer server, long product) throws Exception {
    long deadline = System.currentTimeMillis() + 120_000;
    while (System.currentTimeMillis() < deadline) {
      server.reconciler().runOnce();
      try (PreparedStatement ps = db.prepareStatement("SELECT COUNT(*) FROM seckill_order.orders WHERE product_id = ?"
          + " AND status NOT IN ('CONFIRMED', 'CANCELLED')")) {
        ps.setLong(1, product);
        try (ResultSet rs = ps.executeQuery()) {
          rs.next();
          if (rs.getLong(1) == 0 && server.store().pending(product, Long.MAX_VALUE, 1).isEmpty()) {
            return;
          }
        }
      }
      Thread.sleep(500);
    }
    fail("orders of product " + product + " still not final after 120 s");
  }

  private static Optional<String> chromium() {
    String configured = System.getenv("SECKILL_CHROMIUM");
    if (configured != null && !configured.isBlank()) {
      return Files.isExecutable(Path.of(configured)) ? Optional.of(configured) : Optional.empty();
    }
    String path = System.getenv().getOrDefault("PATH", "");
    return Stream.of("chromium", "chromium-browser", "google-chrome")
        .flatMap(name -> Stream.of(path.split(File.pathSeparator)).map(dir -> Path.of(dir, name)))
        .filter(Files::isExecutable).map(Path::toString).findFirst();
  }

  private static Map<String, String> attributes(String html, String regex) {
    Map<String, String> out = new java.util.HashMap<>();
    Matcher m = Pattern.compile(regex).matcher(html);
    while (m.find()) {
      out.put(m.group(1), m.group(2));
    }
    return out;
  }

  private static List<String> cells(String row) {
    List<String> out = new ArrayList<>();
    Matcher m = Pattern.compile("<td>(.*?)</td>").matcher(row);
    while (m.find()) {
      out.add(m.group(1));
    }
    return out;
  }

  private static long number(String html, String id) {
    Matcher m = Pattern.compile("id=\"" + id + "\">([0-9,]+)<").matcher(html);
    assertTrue(m.find(), id + " shows a number");
    return Long.parseLong(m.group(1).replace(",", ""));
  }

  private static int count(String html, String what) {
    int n = 0;
    for (int i = html.indexOf(what); i >= 0; i = html.indexOf(what, i + 1)) {
      n++;
    }
    return n;
  }
}
