package io.seckill.load;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.seckill.auth.BuyerTokens;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;

/**
 * Sends through seckill-api (POST /api/v1/seckill/orders) with java.net.http, at most
 * {@code concurrency} requests in flight. A 202 hands the API's orderId to the tracker; a 4xx is a
 * refusal counted by status and error code; anything else is an error.
 *
 * <p>Each buyer proves who they are with a bearer token (HS256, signed with the stack's buyer
 * token secret, as an identity provider would issue it): the buyer is the token's subject, so the
 * body names no user. One token per buyer, minted on its first order and reused while it is valid.
 */
public final class ApiOrderSender implements OrderSender {
  private static final ObjectMapper JSON = new ObjectMapper();
  /** How long a minted token is valid: longer than any run; a buyer's next order re-mints near the end. */
  static final Duration TOKEN_TTL = Duration.ofHours(1);
  /** A cached token with less than this left is minted again, so no request carries one about to expire. */
  static final Duration TOKEN_RENEW_BEFORE = Duration.ofMinutes(10);

  private final HttpClient client;
  private final URI ordersUri;
  private final BuyerTokens tokens;
  private final Map<Long, Minted> tokenByUser = new ConcurrentHashMap<>();
  private final OutcomeTracker tracker;
  private final SendStats stats;
  private final Semaphore permits;
  private final int concurrency;

  private record Minted(String token, Instant renewAfter) { }

  /** A sender to the API of {@code endpoints} with at most {@code concurrency} requests in flight. */
  public ApiOrderSender(Endpoints endpoints, int concurrency, OutcomeTracker tracker, SendStats stats) {
    this(endpoints, endpoints.secrets().buyerTokens(), concurrency, tracker, stats);
  }

  /** Like the public constructor, with the buyers' tokens minted by {@code tokens}. */
  ApiOrderSender(Endpoints endpoints, BuyerTokens tokens, int concurrency, OutcomeTracker tracker, SendStats stats) {
    this.client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
        .connectTimeout(Duration.ofSeconds(5)).build();
    this.ordersUri = URI.create(endpoints.apiUrl() + "/api/v1/seckill/orders");
    this.tokens = tokens;
    this.tracker = tracker;
    this.stats = stats;
    this.permits = new Semaphore(concurrency);
    this.concurrency = concurrency;
  }

  @Override
  public void send(Outgoing item) throws InterruptedException {
    if (!(item instanceof Order order)) {
      throw new IllegalArgumentException("api mode sends valid orders only");
    }
    permits.acquire();
    long now = System.currentTimeMillis();
    stats.attempt(now);
    HttpRequest req;
    try {
      req = request(order, Instant.ofEpochMilli(now));
    } catch (RuntimeException e) {
      permits.release();
      throw e;
    }
    client.sendAsync(req, HttpResponse.BodyHandlers.ofString()).whenComplete((resp, error) -> {
      try {
        if (error != null) {
          stats.error("http: " + error.getClass().getSimpleName());
        } else {
          answer(resp.statusCode(), resp.body(), now);
        }
      } finally {
        permits.release();
      }
    });
  }

  /** The admission request of {@code order}, sent at {@code now} with its buyer's token. */
  HttpRequest request(Order order, Instant now) {
    return HttpRequest.newBuilder(ordersUri).timeout(Duration.ofSeconds(10))
        .header("Content-Type", "application/json")
        .header("Authorization", "Bearer " + token(order.userId(), now))
        .POST(HttpRequest.BodyPublishers.ofString(order.apiJson())).build();
  }

  /** Buyer {@code userId}'s token: the cached one while it has long enough left, else a fresh one. */
  String token(long userId, Instant now) {
    Minted m = tokenByUser.get(userId);
    if (m == null || now.isAfter(m.renewAfter())) {
      m = new Minted(tokens.mint(userId, TOKEN_TTL, now), now.plus(TOKEN_TTL).minus(TOKEN_RENEW_BEFORE));
      tokenByUser.put(userId, m);
    }
    return m.token();
  }

  private void answer(int status, String body, long sentAt) {
    JsonNode n = null;
    try {
      n = JSON.readTree(body);
    } catch (IOException | RuntimeException e) {
      // A body that is not JSON is reported by status code alone.
    }
    if (status == 202 && n != null && n.hasNonNull("orderId")) {
      stats.acceptedValid();
      tracker.register(n.get("orderId").asText(), sentAt);
    } else if (status >= 400 && status < 500) {
      String code = n != null && n.hasNonNull("error") ? n.get("error").asText() : "";
      // A 401 says why in reason (TOKEN_EXPIRED, TOKEN_INVALID, ...): worth telling apart.
      String reason = n != null && n.hasNonNull("reason") ? n.get("reason").asText() : "";
      if (!reason.isEmpty() && !reason.equals(code)) {
        code = code.isEmpty() ? reason : code + " " + reason;
      }
      stats.refused(status + (code.isEmpty() ? "" : " " + code));
    } else {
      stats.error("http " + status);
    }
  }

  @Override
  public void flush() throws InterruptedException {
    permits.acquire(concurrency);
    permits.release(concurrency);
  }

  @Override
  public int inFlight() {
    return concurrency - permits.availablePermits();
  }

  @Override
  public void close() {
    // HttpClient's threads are daemons; nothing to release on Java 17.
  }
}
