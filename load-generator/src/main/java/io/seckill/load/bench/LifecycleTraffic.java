package io.seckill.load.bench;

import io.seckill.auth.ProviderSignature;
import io.seckill.load.Endpoints;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The order's life after the TCC, running beside a sale: every order the bench's sale confirms is,
 * within about a second, either paid (a signed provider callback to the API, which runs the payment
 * saga) or expired (its deadline moved to now, so the API's expirer runs its expiry saga). This is the
 * heaviest such traffic a sale can meet: one payment or one expiry per sold order, at the sale's rate.
 */
final class LifecycleTraffic implements AutoCloseable {
  private static final int IN_FLIGHT = 64;
  private final Endpoints endpoints;
  private final ProviderSignature provider;
  private final double payShare;
  private final Instant since = Instant.now();
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
  private final Semaphore inFlight = new Semaphore(IN_FLIGHT);
  private final SplittableRandom rnd = new SplittableRandom(7);
  private final Set<String> seen = new HashSet<>();
  private final List<String> paidIds = new ArrayList<>();
  private final List<String> expiredIds = new ArrayList<>();
  private final Map<String, AtomicInteger> answers = new ConcurrentHashMap<>();
  private final AtomicLong errors = new AtomicLong();
  private final Thread worker;
  private volatile boolean stopping;
  private volatile Exception failure;

  /** Starts paying {@code payShare} of the newly confirmed orders and expiring the rest. */
  LifecycleTraffic(Endpoints endpoints, double payShare) {
    this.endpoints = endpoints;
    this.provider = endpoints.secrets().providerSignature();
    this.payShare = payShare;
    this.worker = new Thread(this::loop, "bench-lifecycle");
    worker.setDaemon(true);
    worker.start();
  }

  private void loop() {
    try (Connection db = DriverManager.getConnection(endpoints.jdbcUrl("seckill_order"), endpoints.dbUser(),
        endpoints.dbPassword())) {
      Timestamp watermark = Timestamp.from(since);
      while (!stopping) {
        watermark = step(db, watermark);
        Thread.sleep(500);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (Exception e) {
      failure = e;
    }
  }

  /** One pass: the orders confirmed since the last pass are paid or expired. */
  private Timestamp step(Connection db, Timestamp watermark) throws Exception {
    List<String[]> fresh = new ArrayList<>();
    Timestamp latest = watermark;
    try (PreparedStatement ps = db.prepareStatement("SELECT order_id, amount_cents, pay_deadline FROM orders"
        + " WHERE status = 'CONFIRMED' AND pay_deadline > ? AND created_at >= ? ORDER BY pay_deadline LIMIT 5000")) {
      ps.setTimestamp(1, watermark);
      ps.setTimestamp(2, Timestamp.from(since));
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          Timestamp deadline = rs.getTimestamp(3);
          if (deadline.after(latest)) {
            latest = deadline;
          }
          if (seen.add(rs.getString(1))) {
            fresh.add(new String[] {rs.getString(1), Long.toString(rs.getLong(2))});
          }
        }
      }
    }
    List<String> expire = new ArrayList<>();
    for (String[] o : fresh) {
      if (rnd.nextDouble() < payShare) {
        paidIds.add(o[0]);
        pay(o[0], Long.parseLong(o[1]));
      } else {
        expire.add(o[0]);
      }
    }
    for (int i = 0; i < expire.size(); i += 500) {
      List<String> batch = expire.subList(i, Math.min(expire.size(), i + 500));
      try (PreparedStatement ps = db.prepareStatement("UPDATE orders SET pay_deadline = NOW(3) WHERE status ="
          + " 'CONFIRMED' AND order_id IN (" + "?,".repeat(batch.size() - 1) + "?)")) {
        for (int j = 0; j < batch.size(); j++) {
          ps.setString(j + 1, batch.get(j));
        }
        ps.executeUpdate();
      }
      expiredIds.addAll(batch);
    }
    // Deadlines are not strictly in commit order: look back two seconds, the seen set drops repeats.
    return new Timestamp(Math.max(watermark.getTime(), latest.getTime() - 2_000));
  }

  private void pay(String orderId, long amountCents) throws InterruptedException {
    String txn = "bench-" + Long.toHexString(rnd.nextLong()) + Long.toHexString(System.nanoTime());
    byte[] body = ("{\"providerTxnId\":\"" + txn + "\",\"orderId\":\"" + orderId + "\",\"amountCents\":" + amountCents
        + ",\"status\":\"SUCCEEDED\"}").getBytes(StandardCharsets.UTF_8);
    inFlight.acquire();
    http.sendAsync(HttpRequest.newBuilder(URI.create(endpoints.apiUrl() + "/api/v1/payments/callback"))
        .timeout(Duration.ofSeconds(20)).header("Content-Type", "application/json")
        .header(ProviderSignature.HEADER, provider.sign(Instant.now().getEpochSecond(), body))
        .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(), HttpResponse.BodyHandlers.ofString())
        .whenComplete((r, e) -> {
          inFlight.release();
          String key = e != null ? "error" : r.statusCode() + " " + r.body().replaceAll(".*\"outcome\"\\s*:\\s*\"([A-Z_]+)\".*", "$1");
          if (e != null) {
            errors.incrementAndGet();
          }
          answers.computeIfAbsent(key.length() > 60 ? key.substring(0, 60) : key, k -> new AtomicInteger())
              .incrementAndGet();
        });
  }

  /**
   * Stops taking new orders, waits up to {@code settle} for the sagas to finish, and returns what
   * happened: orders paid and expired as asked, the callbacks' answers, their final statuses.
   */
  Map<String, Object> finish(Duration settle) throws Exception {
    stopping = true;
    worker.join(30_000);
    if (failure != null) {
      throw new IllegalStateException("lifecycle traffic failed", failure);
    }
    inFlight.acquire(IN_FLIGHT);
    inFlight.release(IN_FLIGHT);
    Map<String, Integer> paidEnd = new TreeMap<>();
    Map<String, Integer> expiredEnd = new TreeMap<>();
    long end = System.nanoTime() + settle.toNanos();
    try (Connection db = DriverManager.getConnection(endpoints.jdbcUrl("seckill_order"), endpoints.dbUser(),
        endpoints.dbPassword())) {
      do {
        paidEnd = statuses(db, paidIds);
        expiredEnd = statuses(db, expiredIds);
        if (paidEnd.getOrDefault("PAID", 0) == paidIds.size() && expiredEnd.getOrDefault("EXPIRED", 0) == expiredIds.size()) {
          break;
        }
        Thread.sleep(1_000);
      } while (System.nanoTime() < end);
    }
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("payShare", payShare);
    out.put("paymentsSent", paidIds.size());
    out.put("expiriesDue", expiredIds.size());
    Map<String, Integer> a = new TreeMap<>();
    answers.forEach((k, v) -> a.put(k, v.get()));
    out.put("callbackAnswers", a);
    out.put("paidOrdersEndedAs", paidEnd);
    out.put("expiredOrdersEndedAs", expiredEnd);
    return out;
  }

  private static Map<String, Integer> statuses(Connection db, List<String> ids) throws Exception {
    Map<String, Integer> out = new TreeMap<>();
    for (int i = 0; i < ids.size(); i += 1000) {
      List<String> batch = ids.subList(i, Math.min(ids.size(), i + 1000));
      try (PreparedStatement ps = db.prepareStatement("SELECT status, COUNT(*) FROM orders WHERE order_id IN ("
          + "?,".repeat(batch.size() - 1) + "?) GROUP BY status")) {
        for (int j = 0; j < batch.size(); j++) {
          ps.setString(j + 1, batch.get(j));
        }
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            out.merge(rs.getString(1), rs.getInt(2), Integer::sum);
          }
        }
      }
    }
    return out;
  }

  @Override
  public void close() {
    stopping = true;
    worker.interrupt();
  }
}
