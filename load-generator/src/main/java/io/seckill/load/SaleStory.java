package io.seckill.load;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.seckill.auth.BuyerTokens;
import io.seckill.auth.ProviderSignature;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code ./seckill demo}'s second act, after the flood: what happens to the orders once the TCC has
 * confirmed them. Some buyers pay through the API (the simulated provider calls back), the rest let
 * the short payment deadline pass and the expirer gives their units, coupons and slots back; a few
 * payments arrive after the expiry (the story plays a provider whose callbacks were held up, signing
 * with the provider's secret) and become refunds; a forged callback is refused; then new buyers buy
 * the units that came back, and pay. Prints the counts and exits 0 only when each act did what it
 * should.
 */
@Command(name = "seckill story", mixinStandardHelpOptions = true,
    description = "Pays, expires, refunds and resells the confirmed orders of a sale (the demo's second act).")
public final class SaleStory implements Callable<Integer> {
  private static final ObjectMapper JSON = new ObjectMapper();

  @Option(names = "--product-base", defaultValue = "1", description = "first product of the sale (default ${DEFAULT-VALUE})")
  long productBase;

  @Option(names = "--products", defaultValue = "20", description = "how many products (default ${DEFAULT-VALUE})")
  int products;

  @Option(names = "--pay-share", defaultValue = "0.6", description = "share of confirmed buyers who pay in time")
  double payShare;

  @Option(names = "--late-share", defaultValue = "0.05", description = "share whose payment lands after the expiry")
  double lateShare;

  @Option(names = "--resale-buyers", defaultValue = "1500", description = "new buyers after the expiries")
  int resaleBuyers;

  @Option(names = "--first-resale-user", defaultValue = "500001", description = "user id of the first new buyer")
  long firstResaleUser;

  @Option(names = "--concurrency", defaultValue = "32", description = "requests in flight")
  int concurrency;

  @Option(names = "--wait-seconds", defaultValue = "180", description = "bound on each wait")
  int waitSeconds;

  @Option(names = "--seed", defaultValue = "7", description = "who pays, who does not")
  long seed;

  @Option(names = "--json", description = "write the summary here")
  Path json;

  private Endpoints endpoints;
  private BuyerTokens tokens;
  private ProviderSignature provider;
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private final Map<String, Object> summary = new LinkedHashMap<>();

  /** An order row, as the story needs it. */
  record Row(String orderId, long userId, long productId, long amountCents, String status, long deadlineMillis) {}

  @Override
  public Integer call() throws Exception {
    endpoints = Endpoints.fromEnv(System.getenv());
    tokens = endpoints.secrets().buyerTokens();
    provider = endpoints.secrets().providerSignature();
    ExecutorService pool = Executors.newFixedThreadPool(concurrency);
    boolean ok = true;
    try {
      List<Row> confirmed = new ArrayList<>(rows("CONFIRMED"));
      confirmed.sort((a, b) -> Long.compare(a.deadlineMillis(), b.deadlineMillis()));
      say(confirmed.size() + " orders await payment");
      List<Row> shuffled = new ArrayList<>(confirmed);
      Collections.shuffle(shuffled, new Random(seed));
      int nPay = (int) Math.round(shuffled.size() * payShare);
      int nLate = (int) Math.round(shuffled.size() * lateShare);
      List<Row> payers = new ArrayList<>(shuffled.subList(0, nPay));
      List<Row> late = new ArrayList<>(shuffled.subList(nPay, Math.min(shuffled.size(), nPay + nLate)));
      // Pay oldest deadline first, as a buyer racing their own timer would.
      payers.sort((a, b) -> Long.compare(a.deadlineMillis(), b.deadlineMillis()));

      Map<Integer, AtomicInteger> payAnswers = new ConcurrentHashMap<>();
      all(pool, payers, r -> {
        int code = post(endpoints.apiUrl() + "/api/v1/orders/" + r.orderId() + "/payment", "{}", token(r.userId()));
        payAnswers.computeIfAbsent(code, k -> new AtomicInteger()).incrementAndGet();
      });
      int started = count(payAnswers, 202);
      say(payers.size() + " buyers pay: " + started + " payments started (202), answers " + payAnswers);
      List<String> payerIds = payers.stream().map(Row::orderId).toList();
      int paid = awaitCount(payerIds, "PAID", started);
      say(paid + " of them PAID");
      summary.put("payingBuyers", payers.size());
      summary.put("paymentsStarted", started);
      summary.put("paid", paid);
      ok &= paid == started;

      List<String> allIds = confirmed.stream().map(Row::orderId).toList();
      say("the others let the deadline pass; waiting for the expirer");
      awaitNone(allIds, "CONFIRMED");
      int expired = countStatus(allIds, "EXPIRED");
      say(expired + " orders EXPIRED: their units, coupons and slots are back");
      summary.put("expired", expired);
      ok &= expired == confirmed.size() - paid;

      Map<String, AtomicInteger> lateOutcomes = new ConcurrentHashMap<>();
      all(pool, late, r -> {
        String outcome = lateCallback(r);
        lateOutcomes.computeIfAbsent(outcome, k -> new AtomicInteger()).incrementAndGet();
      });
      int refunds = lateOutcomes.getOrDefault("REFUND_PENDING", new AtomicInteger()).get();
      say(late.size() + " payments arrive after their order expired: " + lateOutcomes);
      summary.put("latePayments", late.size());
      summary.put("refunded", refunds);
      ok &= refunds == late.stream().filter(r -> !payerIds.contains(r.orderId())).count();

      int forged = forgedCallback(confirmed.isEmpty() ? null : confirmed.get(0));
      say("a forged callback (wrong secret) is answered " + forged);
      summary.put("forgedCallbackStatus", forged);
      ok &= forged == 401;

      List<String> resold = resale(pool);
      int resoldConfirmed = awaitSettled(resold);
      List<Row> toPay = rowsById(resold).stream().filter(r -> "CONFIRMED".equals(r.status())).toList();
      Map<Integer, AtomicInteger> resaleAnswers = new ConcurrentHashMap<>();
      all(pool, toPay, r -> {
        int code = post(endpoints.apiUrl() + "/api/v1/orders/" + r.orderId() + "/payment", "{}", token(r.userId()));
        resaleAnswers.computeIfAbsent(code, k -> new AtomicInteger()).incrementAndGet();
      });
      int resoldPaid = awaitCount(toPay.stream().map(Row::orderId).toList(), "PAID", count(resaleAnswers, 202));
      say(resold.size() + " new buyers admitted for the returned units, " + resoldConfirmed + " confirmed, "
          + resoldPaid + " paid");
      summary.put("resaleAdmitted", resold.size());
      summary.put("resold", resoldConfirmed);
      summary.put("resoldPaid", resoldPaid);
      ok &= expired == 0 || resoldConfirmed > 0;
      ok &= resoldPaid == resoldConfirmed;
      summary.put("finalStatuses", statusCounts());
      summary.put("ok", ok);
      say("orders of the sale now: " + summary.get("finalStatuses"));
      say(String.format("paid %d, expired %d, resold %d, refunded %d", paid + resoldPaid, expired, resoldConfirmed,
          refunds));
    } finally {
      pool.shutdownNow();
    }
    if (json != null) {
      LoadMain.writeJson(json, summary);
    }
    return ok ? 0 : 1;
  }

  private List<String> resale(ExecutorService pool) throws Exception {
    List<Long> users = new ArrayList<>();
    for (int i = 0; i < resaleBuyers; i++) {
      users.add(firstResaleUser + i);
    }
    List<String> admitted = Collections.synchronizedList(new ArrayList<>());
    Map<Integer, AtomicInteger> answers = new ConcurrentHashMap<>();
    all(pool, users, u -> {
      long product = productBase + Math.floorMod(u, products);
      HttpResponse<String> r = send(endpoints.apiUrl() + "/api/v1/seckill/orders",
          "{\"productId\":" + product + ",\"quantity\":1}", token(u));
      answers.computeIfAbsent(r.statusCode(), k -> new AtomicInteger()).incrementAndGet();
      if (r.statusCode() == 202) {
        admitted.add(JSON.readTree(r.body()).path("orderId").asText());
      }
    });
    say(resaleBuyers + " new buyers try the sale again: answers " + answers);
    return admitted;
  }

  private String lateCallback(Row r) throws Exception {
    byte[] txn = new byte[16];
    new SecureRandom().nextBytes(txn);
    String body = "{\"providerTxnId\":\"sim-late-" + HexFormat.of().formatHex(txn) + "\",\"orderId\":\"" + r.orderId()
        + "\",\"amountCents\":" + r.amountCents() + ",\"status\":\"SUCCEEDED\"}";
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    HttpResponse<String> resp = http.send(HttpRequest.newBuilder(URI.create(endpoints.apiUrl() + "/api/v1/payments/callback"))
        .timeout(Duration.ofSeconds(30)).header("Content-Type", "application/json")
        .header(ProviderSignature.HEADER, provider.sign(Instant.now().getEpochSecond(), bytes))
        .POST(HttpRequest.BodyPublishers.ofByteArray(bytes)).build(), HttpResponse.BodyHandlers.ofString());
    if (resp.statusCode() != 200) {
      return "HTTP " + resp.statusCode();
    }
    return JSON.readTree(resp.body()).path("outcome").asText("?");
  }

  private int forgedCallback(Row r) throws Exception {
    String orderId = r == null ? "1-" + "0".repeat(32) : r.orderId();
    String body = "{\"providerTxnId\":\"sim-forged\",\"orderId\":\"" + orderId
        + "\",\"amountCents\":1,\"status\":\"SUCCEEDED\"}";
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    byte[] wrong = new byte[32];
    new SecureRandom().nextBytes(wrong);
    HttpResponse<String> resp = http.send(HttpRequest.newBuilder(URI.create(endpoints.apiUrl() + "/api/v1/payments/callback"))
        .timeout(Duration.ofSeconds(10)).header("Content-Type", "application/json")
        .header(ProviderSignature.HEADER, new ProviderSignature(wrong).sign(Instant.now().getEpochSecond(), bytes))
        .POST(HttpRequest.BodyPublishers.ofByteArray(bytes)).build(), HttpResponse.BodyHandlers.ofString());
    return resp.statusCode();
  }

  // ------------------------------------------------------------------ waits over the order table

  private int awaitCount(List<String> ids, String status, int want) throws Exception {
    long end = System.nanoTime() + Duration.ofSeconds(waitSeconds).toNanos();
    int n = countStatus(ids, status);
    while (n < want && System.nanoTime() < end) {
      Thread.sleep(250);
      n = countStatus(ids, status);
    }
    return n;
  }

  private void awaitNone(List<String> ids, String status) throws Exception {
    long end = System.nanoTime() + Duration.ofSeconds(waitSeconds).toNanos();
    while (countStatus(ids, status) > 0 && System.nanoTime() < end) {
      Thread.sleep(500);
    }
  }

  /** Waits until every id has a settled row; returns how many are committed (CONFIRMED or later). */
  private int awaitSettled(List<String> ids) throws Exception {
    long end = System.nanoTime() + Duration.ofSeconds(waitSeconds).toNanos();
    while (System.nanoTime() < end) {
      List<Row> rows = rowsById(ids);
      long settled = rows.stream().filter(r -> !"TRYING".equals(r.status())).count();
      if (settled == ids.size()) {
        return (int) rows.stream().filter(r -> !"CANCELLED".equals(r.status())).count();
      }
      Thread.sleep(250);
    }
    return (int) rowsById(ids).stream().filter(r -> !"CANCELLED".equals(r.status()) && !"TRYING".equals(r.status()))
        .count();
  }

  private int countStatus(List<String> ids, String status) throws SQLException {
    return (int) rowsById(ids).stream().filter(r -> status.equals(r.status())).count();
  }

  private List<Row> rows(String status) throws SQLException {
    try (Connection c = db(); PreparedStatement ps = c.prepareStatement(
        "SELECT order_id, user_id, product_id, amount_cents, status, pay_deadline FROM orders"
            + " WHERE product_id BETWEEN ? AND ? AND status = ?")) {
      ps.setLong(1, productBase);
      ps.setLong(2, productBase + products - 1);
      ps.setString(3, status);
      return read(ps);
    }
  }

  private List<Row> rowsById(List<String> ids) throws SQLException {
    List<Row> out = new ArrayList<>();
    try (Connection c = db()) {
      for (int i = 0; i < ids.size(); i += 500) {
        List<String> chunk = ids.subList(i, Math.min(ids.size(), i + 500));
        String sql = "SELECT order_id, user_id, product_id, amount_cents, status, pay_deadline FROM orders WHERE order_id IN ("
            + String.join(",", Collections.nCopies(chunk.size(), "?")) + ")";
        try (PreparedStatement ps = c.prepareStatement(sql)) {
          for (int j = 0; j < chunk.size(); j++) {
            ps.setString(j + 1, chunk.get(j));
          }
          out.addAll(read(ps));
        }
      }
    }
    return out;
  }

  private Map<String, Integer> statusCounts() throws SQLException {
    Map<String, Integer> out = new LinkedHashMap<>();
    try (Connection c = db(); PreparedStatement ps = c.prepareStatement(
        "SELECT status, COUNT(*) FROM orders WHERE product_id BETWEEN ? AND ? GROUP BY status ORDER BY status")) {
      ps.setLong(1, productBase);
      ps.setLong(2, productBase + products - 1);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          out.put(rs.getString(1), rs.getInt(2));
        }
      }
    }
    return out;
  }

  private static List<Row> read(PreparedStatement ps) throws SQLException {
    List<Row> out = new ArrayList<>();
    try (ResultSet rs = ps.executeQuery()) {
      while (rs.next()) {
        java.sql.Timestamp d = rs.getTimestamp(6);
        out.add(new Row(rs.getString(1), rs.getLong(2), rs.getLong(3), rs.getLong(4), rs.getString(5),
            d == null ? 0 : d.getTime()));
      }
    }
    return out;
  }

  private Connection db() throws SQLException {
    return DriverManager.getConnection(endpoints.jdbcUrl("seckill_order"), endpoints.dbUser(), endpoints.dbPassword());
  }

  // ------------------------------------------------------------------ HTTP

  private String token(long userId) {
    return tokens.mint(userId, Duration.ofMinutes(30), Instant.now());
  }

  private int post(String url, String body, String token) throws Exception {
    return send(url, body, token).statusCode();
  }

  private HttpResponse<String> send(String url, String body, String token) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30))
        .header("Content-Type", "application/json").header("Authorization", "Bearer " + token)
        .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
  }

  private interface Work<T> {
    void run(T item) throws Exception;
  }

  private static <T> void all(ExecutorService pool, List<T> items, Work<T> work) throws Exception {
    List<Future<?>> futures = new ArrayList<>();
    for (T item : items) {
      futures.add(pool.submit(() -> {
        work.run(item);
        return null;
      }));
    }
    for (Future<?> f : futures) {
      f.get();
    }
  }

  private static int count(Map<Integer, AtomicInteger> answers, int code) {
    AtomicInteger n = answers.get(code);
    return n == null ? 0 : n.get();
  }

  private static void say(String line) {
    System.out.println("[story] " + line);
  }

  /** Entry point; exit 0 when every act did what it should, 1 otherwise, 2 on bad arguments. */
  public static void main(String[] args) {
    CommandLine cli = new CommandLine(new SaleStory());
    cli.setExecutionExceptionHandler((e, cmd, parsed) -> {
      cmd.getErr().println("story: " + e);
      return 2;
    });
    System.exit(cli.execute(args));
  }
}
