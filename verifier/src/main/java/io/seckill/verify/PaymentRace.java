package io.seckill.verify;

import io.seckill.auth.ProviderSignature;
import io.seckill.verify.Snapshot.Order;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Payments racing expiries: the deadlines of a range's unpaid orders are pulled to a few seconds
 * from now, and chosen buyers' successful payments reach the API as signed provider callbacks
 * spread around that deadline. Each callback is delivered like a real provider does: again and
 * again until it is answered 200 with a final outcome (the API or pay-rpc may be down meanwhile).
 */
public final class PaymentRace implements AutoCloseable {
  private static final Pattern OUTCOME = Pattern.compile("\"outcome\"\\s*:\\s*\"([A-Z_]+)\"");
  private final String api;
  private final ProviderSignature provider;
  private final Duration patience;
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
  private final ScheduledExecutorService timer = Executors.newScheduledThreadPool(32, r -> {
    Thread t = new Thread(r, "payment-race");
    t.setDaemon(true);
    return t;
  });
  private final Map<String, String> txnOf = new ConcurrentHashMap<>();
  private final Map<String, AtomicInteger> outcomes = new ConcurrentHashMap<>();

  /** Callbacks to {@code apiUrl}, signed by {@code provider}, each retried for at most {@code patience}. */
  public PaymentRace(String apiUrl, ProviderSignature provider, Duration patience) {
    this.api = apiUrl;
    this.provider = provider;
    this.patience = patience;
  }

  /**
   * Moves the payment deadline of every CONFIRMED (unpaid) order of {@code range} to {@code lead}
   * from now; returns that deadline (epoch ms) and how many orders it moved.
   */
  public static long[] pullDeadlines(Connection db, ProductRange range, Duration lead) throws Exception {
    long deadline = System.currentTimeMillis() + lead.toMillis();
    try (PreparedStatement ps = db.prepareStatement("UPDATE seckill_order.orders SET pay_deadline ="
        + " NOW(3) + INTERVAL ? MICROSECOND WHERE product_id BETWEEN ? AND ? AND status = 'CONFIRMED'")) {
      ps.setLong(1, lead.toNanos() / 1000);
      ps.setLong(2, range.from());
      ps.setLong(3, range.to());
      return new long[] {deadline, ps.executeUpdate()};
    }
  }

  /**
   * Schedules one successful payment of each of {@code orders}, landing at a uniformly drawn moment
   * within {@code spread} of {@code deadlineMillis}; transaction ids are fresh (they are DTM gids).
   */
  public void pay(List<Order> orders, long deadlineMillis, Duration spread, Random rnd) {
    for (Order o : orders) {
      String txn = "race-" + Long.toHexString(rnd.nextLong()) + Long.toHexString(System.nanoTime());
      txnOf.put(o.orderId(), txn);
      long at = deadlineMillis - spread.toMillis() + (long) (rnd.nextDouble() * 2 * spread.toMillis());
      timer.schedule(() -> deliver(o, txn), Math.max(0, at - System.currentTimeMillis()), TimeUnit.MILLISECONDS);
    }
  }

  /** The provider transaction of each order paid, by order id. */
  public Map<String, String> txnOf() {
    return Map.copyOf(txnOf);
  }

  /** Waits until every callback was answered (or gave up) and returns the outcomes with their counts. */
  public Map<String, Integer> await(Duration max) throws InterruptedException {
    timer.shutdown();
    if (!timer.awaitTermination(max.toMillis(), TimeUnit.MILLISECONDS)) {
      throw new IllegalStateException("payment callbacks still being delivered after " + max);
    }
    return outcomes();
  }

  /** The outcomes so far: PAID, REFUND_PENDING, or "UNDELIVERED <last answer>". */
  public Map<String, Integer> outcomes() {
    Map<String, Integer> out = new TreeMap<>();
    outcomes.forEach((k, v) -> out.put(k, v.get()));
    return out;
  }

  /** What the race left, as the provider sees it. */
  public record Tally(int paid, int paidUnits, int expired, List<String> problems) {}

  /**
   * Checks every order paid in this race against {@code s}: it ended PAID by its own transaction
   * and without a refund, or EXPIRED with that transaction as its one LATE_PAYMENT refund.
   */
  public Tally tally(Snapshot s) {
    Map<String, Snapshot.Payment> payments = new java.util.HashMap<>();
    s.payments().forEach(p -> payments.put(p.orderId(), p));
    Map<String, List<String>> refunds = new java.util.HashMap<>();
    s.lifecycle().refunds().forEach(r -> refunds.computeIfAbsent(r.orderId(), k -> new java.util.ArrayList<>())
        .add(r.providerTxnId() + " " + r.reason()));
    int paid = 0;
    int units = 0;
    int expired = 0;
    List<String> problems = new java.util.ArrayList<>();
    for (Order o : s.orders()) {
      String txn = txnOf.get(o.orderId());
      if (txn == null) {
        continue;
      }
      List<String> r = refunds.getOrDefault(o.orderId(), List.of());
      Snapshot.Payment p = payments.get(o.orderId());
      switch (o.status()) {
        case "PAID" -> {
          paid++;
          units += o.quantity();
          if (p == null || !txn.equals(p.providerTxnId()) || !r.isEmpty()) {
            problems.add(o.orderId() + " PAID, payment " + (p == null ? "missing" : p.providerTxnId())
                + ", refunds " + r + " (paid by " + txn + ")");
          }
        }
        case "EXPIRED" -> {
          expired++;
          if (!r.equals(List.of(txn + " LATE_PAYMENT"))) {
            problems.add(o.orderId() + " EXPIRED after payment " + txn + " but refunds are " + r);
          }
        }
        default -> problems.add(o.orderId() + " paid by " + txn + " ended " + o.status());
      }
    }
    return new Tally(paid, units, expired, problems);
  }

  private void deliver(Order o, String txn) {
    byte[] body = ("{\"providerTxnId\":\"" + txn + "\",\"orderId\":\"" + o.orderId() + "\",\"amountCents\":"
        + o.amountCents() + ",\"status\":\"SUCCEEDED\"}").getBytes(StandardCharsets.UTF_8);
    long end = System.nanoTime() + patience.toNanos();
    String last = "never sent";
    while (System.nanoTime() < end) {
      try {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(api + "/api/v1/payments/callback"))
            .timeout(Duration.ofSeconds(20)).header("Content-Type", "application/json")
            .header(ProviderSignature.HEADER, provider.sign(Instant.now().getEpochSecond(), body))
            .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(), HttpResponse.BodyHandlers.ofString());
        last = r.statusCode() + " " + r.body();
        Matcher m = OUTCOME.matcher(r.body());
        if (r.statusCode() == 200 && m.find() && !m.group(1).equals("PROCESSING")) {
          outcomes.computeIfAbsent(m.group(1), k -> new AtomicInteger()).incrementAndGet();
          return;
        }
      } catch (java.io.IOException e) {
        last = e.toString();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
      try {
        Thread.sleep(500);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
    String shortLast = last.length() > 120 ? last.substring(0, 120) : last;
    outcomes.computeIfAbsent("UNDELIVERED " + shortLast, k -> new AtomicInteger()).incrementAndGet();
  }

  @Override
  public void close() {
    timer.shutdownNow();
  }
}
