package io.seckill.api;

import io.seckill.auth.ProviderSignature;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The local stack's payment provider, inside the API: after {@code delayMs} it calls the callback URL
 * over real HTTP with a signed result (SUCCEEDED with probability {@code successRate}, else FAILED),
 * and like a real provider it resends a delivery that failed or was not answered 2xx, backing off
 * (0.5 s doubling to 30 s), up to {@value #MAX_ATTEMPTS} attempts in all. Each attempt is signed
 * anew, so a late retry is not refused as expired.
 */
public final class SimulatedProvider implements PaymentProvider {
  private static final Logger log = LoggerFactory.getLogger(SimulatedProvider.class);
  /** Deliveries of one callback before the provider gives up. */
  static final int MAX_ATTEMPTS = 12;

  private final ProviderSignature signature;
  private final java.util.function.Supplier<URI> callback;
  private final double successRate;
  private final long delayMs;
  private final SecureRandom random = new SecureRandom();
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
  private final ScheduledExecutorService timer = Executors.newScheduledThreadPool(2, r -> {
    Thread t = new Thread(r, "sim-provider");
    t.setDaemon(true);
    return t;
  });

  /** A provider signing with {@code signature} and calling the URL {@code callback} gives (once the API listens). */
  public SimulatedProvider(ProviderSignature signature, java.util.function.Supplier<URI> callback, double successRate,
      long delayMs) {
    this.signature = signature;
    this.callback = callback;
    this.successRate = successRate;
    this.delayMs = delayMs;
  }

  /** A new provider transaction id: {@code sim-} and 128 bits from SecureRandom as 32 lowercase hex digits. */
  String newTxnId() {
    byte[] id = new byte[16];
    random.nextBytes(id);
    return "sim-" + HexFormat.of().formatHex(id);
  }

  /** Returns a new transaction id at once; the signed callback follows after the delay. */
  @Override
  public String start(String orderId, long amountCents) {
    String txn = newTxnId();
    boolean ok = ThreadLocalRandom.current().nextDouble() < successRate;
    String body = "{\"providerTxnId\":\"" + txn + "\",\"orderId\":\"" + orderId + "\",\"amountCents\":" + amountCents
        + ",\"status\":\"" + (ok ? "SUCCEEDED" : "FAILED") + "\"}";
    timer.schedule(() -> deliver(txn, body.getBytes(StandardCharsets.UTF_8), 1), delayMs, TimeUnit.MILLISECONDS);
    return txn;
  }

  private void deliver(String txn, byte[] body, int attempt) {
    int status;
    try {
      HttpResponse<String> r = http.send(HttpRequest.newBuilder(callback.get()).timeout(Duration.ofSeconds(20))
          .header("Content-Type", "application/json")
          .header(ProviderSignature.HEADER, signature.sign(Instant.now().getEpochSecond(), body))
          .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(), HttpResponse.BodyHandlers.ofString());
      status = r.statusCode();
    } catch (Exception e) {
      status = -1;
    }
    if (status >= 200 && status < 300) {
      return;
    }
    if (attempt >= MAX_ATTEMPTS) {
      log.warn("callback of {} given up after {} attempts (last answer {})", txn, attempt, status);
      return;
    }
    long backoff = Math.min(30_000, 250L << Math.min(attempt, 7));
    timer.schedule(() -> deliver(txn, body, attempt + 1), backoff, TimeUnit.MILLISECONDS);
  }

  /** Stops delivering: callbacks not yet delivered are dropped (the API is shutting down). */
  @Override
  public void close() {
    timer.shutdownNow();
  }
}
