package io.seckill.load;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.Semaphore;

/**
 * Sends through seckill-api (POST /api/v1/seckill/orders) with java.net.http, at most
 * {@code concurrency} requests in flight. A 202 hands the API's orderId to the tracker; a 4xx is a
 * refusal counted by status and error code; anything else is an error.
 */
public final class ApiOrderSender implements OrderSender {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final HttpClient client;
  private final URI ordersUri;
  private final OutcomeTracker tracker;
  private final SendStats stats;
  private final Semaphore permits;
  private final int concurrency;

  /** A sender to the API of {@code endpoints} with at most {@code concurrency} requests in flight. */
  public ApiOrderSender(Endpoints endpoints, int concurrency, OutcomeTracker tracker, SendStats stats) {
    this.client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
        .connectTimeout(Duration.ofSeconds(5)).build();
    this.ordersUri = URI.create(endpoints.apiUrl() + "/api/v1/seckill/orders");
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
    HttpRequest req = HttpRequest.newBuilder(ordersUri).timeout(Duration.ofSeconds(10))
        .header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(order.apiJson())).build();
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
