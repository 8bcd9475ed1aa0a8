package io.seckill.verify;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.seckill.auth.BuyerTokens;
import io.seckill.verify.Snapshot.Order;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The chaos round's buyers who come through the API, as real buyers do: a token each, one HTTP
 * request per order, at most {@code concurrency} in flight, each buyer always to the same of the
 * API instances. Every answer is kept per buyer and
 * product, so that after the round a buyer who was told the order failed (5xx, no answer) yet
 * holds a confirmed order of that product is a violation: the pipeline must never charge a buyer it
 * turned away.
 */
final class ApiBuyers {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2))
      .version(HttpClient.Version.HTTP_1_1).build();
  private final List<URI> orders;
  private final BuyerTokens tokens;
  private final Semaphore inFlight;
  private final int concurrency;
  private final Map<Long, String> tokenOf = new ConcurrentHashMap<>();
  /** "user product" -> every answer that buyer got for that product ("202", "409 SOLD_OUT", "503", "unanswered"). */
  private final Map<String, List<String>> answers = new ConcurrentHashMap<>();
  private final Set<String> admitted = ConcurrentHashMap.newKeySet();
  private final AtomicInteger sent = new AtomicInteger();

  ApiBuyers(List<String> apiUrls, BuyerTokens tokens, int concurrency) {
    this.orders = apiUrls.stream().map(u -> URI.create(u + "/api/v1/seckill/orders")).toList();
    this.tokens = tokens;
    this.concurrency = concurrency;
    this.inFlight = new Semaphore(concurrency);
  }

  /** Sends one order request (blocks while {@code concurrency} are in flight). */
  void buy(long userId, long productId, int quantity, long couponId) throws InterruptedException {
    inFlight.acquire();
    sent.incrementAndGet();
    String token = tokenOf.computeIfAbsent(userId, u -> tokens.mint(u, Duration.ofHours(2), Instant.now()));
    HttpRequest req = HttpRequest.newBuilder(orders.get((int) Math.floorMod(userId, (long) orders.size()))).timeout(Duration.ofSeconds(30))
        .header("Content-Type", "application/json").header("Authorization", "Bearer " + token)
        .POST(HttpRequest.BodyPublishers.ofString("{\"productId\":" + productId + ",\"quantity\":" + quantity
            + ",\"couponId\":" + couponId + "}"))
        .build();
    String key = userId + " " + productId;
    http.sendAsync(req, HttpResponse.BodyHandlers.ofString()).whenComplete((r, e) -> {
      try {
        answers.computeIfAbsent(key, k -> java.util.Collections.synchronizedList(new ArrayList<>()))
            .add(e != null ? "unanswered" : answer(r));
        if (e == null && r.statusCode() == 202) {
          String id = orderId(r.body());
          if (id != null) {
            admitted.add(id);
          }
        }
      } finally {
        inFlight.release();
      }
    });
  }

  private static String answer(HttpResponse<String> r) {
    if (r.statusCode() == 202) {
      return "202";
    }
    try {
      JsonNode n = JSON.readTree(r.body());
      String error = n.path("error").asText(n.path("reason").asText(""));
      return error.isEmpty() ? Integer.toString(r.statusCode()) : r.statusCode() + " " + error;
    } catch (Exception e) {
      return Integer.toString(r.statusCode());
    }
  }

  private static String orderId(String body) {
    try {
      JsonNode id = JSON.readTree(body).get("orderId");
      return id == null || id.isNull() ? null : id.asText();
    } catch (Exception e) {
      return null;
    }
  }

  /** Waits until every request has its answer. */
  void await(Duration patience) throws InterruptedException {
    if (!inFlight.tryAcquire(concurrency, patience.toMillis(), TimeUnit.MILLISECONDS)) {
      throw new IllegalStateException("API requests still unanswered after " + patience);
    }
    inFlight.release(concurrency);
  }

  /** Order ids the API admitted (202). */
  Set<String> admitted() {
    return admitted;
  }

  /** Requests sent. */
  int sent() {
    return sent.get();
  }

  /** How many answers of each kind ("202", "409 SOLD_OUT", "503 ...", "unanswered"). */
  Map<String, Integer> histogram() {
    Map<String, Integer> out = new TreeMap<>();
    answers.values().forEach(list -> {
      synchronized (list) {
        list.forEach(a -> out.merge(a, 1, Integer::sum));
      }
    });
    return out;
  }

  /**
   * Buyers told their order failed (a 5xx, never a 202 for the product) who hold a
   * confirmed order of that product all the same; a 4xx refusal came before any slot was taken.
   */
  List<String> toldFailedButConfirmed(Collection<Order> orders) {
    List<String> problems = new ArrayList<>();
    for (Order o : orders) {
      if (!o.confirmed()) {
        continue;
      }
      List<String> got = answers.get(o.userId() + " " + o.productId());
      if (got == null) {
        continue;
      }
      synchronized (got) {
        boolean everAdmitted = got.stream().anyMatch("202"::equals);
        // No answer at all (the API was killed mid-request) tells the buyer nothing: not a refusal.
        boolean toldFailed = got.stream().anyMatch(a -> a.startsWith("5"));
        if (toldFailed && !everAdmitted && !admitted.contains(o.orderId())) {
          problems.add("buyer " + o.userId() + " was told " + got + " for product " + o.productId()
              + " but holds confirmed order " + o.orderId());
        }
      }
    }
    return problems;
  }
}
