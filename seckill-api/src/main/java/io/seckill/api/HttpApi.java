package io.seckill.api;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.seckill.api.AdmissionStore.AdmissionRecord;
import io.seckill.api.OrderDirectory.StoredOrder;
import io.seckill.auth.TokenVerifier;
import io.undertow.Handlers;
import io.undertow.io.Receiver;
import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.server.RequestTooBigException;
import io.undertow.server.handlers.BlockingHandler;
import io.undertow.util.Headers;
import io.undertow.util.SameThreadExecutor;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Deque;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The buyer port's routes. Every request first passes the in-flight bound and its client IP's token
 * bucket, before any Redis work. Admission and order status need the buyer's Bearer token; the
 * buyer is its subject. Admission runs asynchronously from the I/O thread (no thread waits on Redis
 * or Kafka); order status runs on an Undertow worker thread.
 */
public final class HttpApi {
  private static final Logger log = LoggerFactory.getLogger(HttpApi.class);
  private static final Pattern ORDER_ID = Pattern.compile("[A-Za-z0-9_-]{1,64}");

  private final AdmissionService admission;
  private final AdmissionStore store;
  private final OrderDirectory orders;
  private final TokenVerifier tokens;
  private final ClientLimiter limiter;
  private final ApiMetrics metrics;
  private final Limits limits;
  private final PaymentRoutes payments;
  private final AtomicInteger inFlight = new AtomicInteger();

  /**
   * The bounds of the buyer port.
   *
   * @param maxBodyBytes largest admission body (413 past it)
   * @param maxQuantity largest quantity of one order
   * @param maxInFlight most requests in progress at once (503 past it)
   * @param bodyTimeoutMs longest time a body may take to arrive in full (408 past it)
   */
  public record Limits(int maxBodyBytes, int maxQuantity, int maxInFlight, long bodyTimeoutMs) {}

  /** Routes over the given parts. */
  public HttpApi(AdmissionService admission, AdmissionStore store, OrderDirectory orders, TokenVerifier tokens,
      ClientLimiter limiter, ApiMetrics metrics, Limits limits) {
    this(admission, store, orders, tokens, limiter, metrics, limits, null);
  }

  /** Routes over the given parts, with the payment routes when {@code payments} is not null. */
  HttpApi(AdmissionService admission, AdmissionStore store, OrderDirectory orders, TokenVerifier tokens,
      ClientLimiter limiter, ApiMetrics metrics, Limits limits, PaymentRoutes payments) {
    this.payments = payments;
    this.admission = admission;
    this.store = store;
    this.orders = orders;
    this.tokens = tokens;
    this.limiter = limiter;
    this.metrics = metrics;
    this.limits = limits;
  }

  /** The root handler of the buyer port. */
  public HttpHandler handler() {
    io.undertow.server.RoutingHandler routes = Handlers.routing()
        .post("/api/v1/seckill/orders", this::admit)
        .get("/api/v1/orders/{orderId}", new BlockingHandler(timed("order", this::order)))
        .get("/health", new BlockingHandler(timed("health", this::health)))
        .setFallbackHandler(ex -> Answers.error(ex, 404, "NOT_FOUND", "no such route: " + ex.getRequestPath()))
        .setInvalidMethodHandler(ex -> Answers.error(ex, 405, "METHOD_NOT_ALLOWED",
            ex.getRequestMethod() + " not allowed here"));
    if (payments != null) {
      routes.post("/api/v1/orders/{orderId}/payment", new BlockingHandler(timed("payment", this::pay)))
          .post("/api/v1/payments/callback", new BlockingHandler(timed("callback", payments::callback)));
    }
    return ex -> guard(ex, routes);
  }

  /** The in-flight bound, then the client's bucket; /health is exempt from the bucket (probes). */
  private void guard(HttpServerExchange ex, HttpHandler next) throws Exception {
    if (inFlight.incrementAndGet() > limits.maxInFlight()) {
      inFlight.decrementAndGet();
      metrics.admission("overloaded");
      Answers.refusal(ex, 503, "OVERLOADED", "too many requests in progress, retry", 1);
      return;
    }
    ex.addExchangeCompleteListener((e, nextListener) -> {
      inFlight.decrementAndGet();
      nextListener.proceed();
    });
    if (!"/health".equals(ex.getRequestPath())) {
      ClientLimiter.Verdict v = limiter.charge(ex.getSourceAddress(),
          ex.getRequestHeaders().getFirst(Headers.X_FORWARDED_FOR));
      if (v instanceof ClientLimiter.Limited l) {
        metrics.admission("client_rate_limited");
        Answers.refusal(ex, 429, "RATE_LIMITED", "too many requests from this client", l.retryAfterSeconds());
        return;
      }
    }
    next.handleRequest(ex);
  }

  private interface Route {
    void handle(HttpServerExchange ex) throws Exception;
  }

  private HttpHandler timed(String name, Route route) {
    return ex -> {
      long start = System.nanoTime();
      try {
        route.handle(ex);
      } catch (Exception e) {
        log.warn("{} {} failed", ex.getRequestMethod(), ex.getRequestPath(), e);
        if (!ex.isResponseStarted()) {
          Answers.unavailable(ex);
        }
      } finally {
        metrics.observe(name, start);
      }
    };
  }

  /** The buyer of the request, or null after answering 401. */
  private TokenVerifier.Buyer buyer(HttpServerExchange ex) {
    TokenVerifier.Result r = tokens.verify(ex.getRequestHeaders().getFirst(Headers.AUTHORIZATION));
    if (r instanceof TokenVerifier.Buyer b) {
      return b;
    }
    TokenVerifier.Refused refused = (TokenVerifier.Refused) r;
    metrics.admission("unauthorized");
    ex.getResponseHeaders().put(Headers.WWW_AUTHENTICATE, refused.reason() == TokenVerifier.Reason.TOKEN_MISSING
        ? "Bearer realm=\"seckill\"" : "Bearer realm=\"seckill\", error=\"invalid_token\"");
    ObjectNode n = Answers.JSON.createObjectNode();
    n.put("error", "UNAUTHORIZED");
    n.put("reason", refused.reason().name());
    n.put("message", refused.message());
    Answers.send(ex, 401, n);
    return null;
  }

  /** Only JSON bodies: anything else is 415 before the body is read. */
  private static boolean json(HttpServerExchange ex) {
    String type = ex.getRequestHeaders().getFirst(Headers.CONTENT_TYPE);
    if (type == null) {
      return false;
    }
    int semi = type.indexOf(';');
    String media = (semi < 0 ? type : type.substring(0, semi)).strip();
    return media.equalsIgnoreCase("application/json");
  }

  /**
   * {@code POST /api/v1/seckill/orders}, on the I/O thread. Content type and token are checked
   * first; the body is read without blocking (at most {@code maxBodyBytes}, else 413; within
   * {@code bodyTimeoutMs}, else 408); then the exchange is dispatched so it stays open, and it is
   * ended from whichever thread completes the admission.
   */
  private void admit(HttpServerExchange ex) {
    long start = System.nanoTime();
    if (!json(ex)) {
      metrics.admission("unsupported_media_type");
      Answers.error(ex, 415, "UNSUPPORTED_MEDIA_TYPE", "send the order as Content-Type: application/json");
      metrics.observe("admit", start);
      return;
    }
    TokenVerifier.Buyer buyer = buyer(ex);
    if (buyer == null) {
      metrics.observe("admit", start);
      return;
    }
    if (ex.getRequestContentLength() > limits.maxBodyBytes()) {
      tooLarge(ex, start);
      return;
    }
    // Exactly one of the body callback, its error callback and the deadline answers.
    AtomicBoolean answered = new AtomicBoolean();
    var deadline = ex.getIoThread().executeAfter(() -> {
      if (answered.compareAndSet(false, true)) {
        metrics.admission("body_timeout");
        ex.setPersistent(false);
        Answers.error(ex, 408, "REQUEST_TIMEOUT", "the body did not arrive within " + limits.bodyTimeoutMs() + " ms");
        metrics.observe("admit", start);
      }
    }, limits.bodyTimeoutMs(), TimeUnit.MILLISECONDS);
    Receiver receiver = ex.getRequestReceiver();
    receiver.setMaxBufferSize(limits.maxBodyBytes());
    receiver.receiveFullBytes((e, body) -> {
      if (answered.compareAndSet(false, true)) {
        deadline.remove();
        admitBody(e, buyer.userId(), body, start);
      }
    }, (e, err) -> {
      if (!answered.compareAndSet(false, true)) {
        return;
      }
      deadline.remove();
      if (err instanceof Receiver.RequestToLargeException || err instanceof RequestTooBigException) {
        // Undertow drains the unread rest up to MAX_ENTITY_SIZE (so the client reads this answer
        // instead of a reset) and closes the connection beyond it.
        tooLarge(e, start);
      } else {
        // The client went away or sent a broken body: nobody to answer.
        log.debug("admission body not read: {}", err.toString());
        e.endExchange();
        metrics.observe("admit", start);
      }
    });
  }

  private void tooLarge(HttpServerExchange ex, long start) {
    metrics.admission("too_large");
    Answers.error(ex, 413, "TOO_LARGE", "body larger than " + limits.maxBodyBytes() + " bytes");
    metrics.observe("admit", start);
  }

  private void admitBody(HttpServerExchange ex, long userId, byte[] body, long start) {
    AdmissionRequest req;
    try {
      req = AdmissionRequest.parse(body, limits.maxQuantity());
    } catch (AdmissionRequest.InvalidField e) {
      metrics.admission("invalid");
      Answers.invalidField(ex, e.field(), e.getMessage());
      metrics.observe("admit", start);
      return;
    }
    CompletableFuture<AdmissionService.Decision> decision;
    try {
      decision = admission.admitAsync(userId, req.productId(), req.quantity(), req.couponId(),
          ex.getConnection().getWorker());
    } catch (RuntimeException e) {
      decision = CompletableFuture.failedFuture(e);
    }
    if (decision.isDone()) {
      // Answered without Redis (the sold-out flag): still on the I/O thread, inside the call.
      answer(ex, decision, start);
      return;
    }
    final CompletableFuture<AdmissionService.Decision> d = decision;
    // Keeps the exchange open after this call returns; the answer comes from a callback.
    ex.dispatch(SameThreadExecutor.INSTANCE, () -> d.whenComplete((r, e) -> answer(ex, d, start)));
  }

  private void answer(HttpServerExchange ex, CompletableFuture<AdmissionService.Decision> decision, long start) {
    try {
      AdmissionService.Decision d;
      try {
        d = decision.join();
      } catch (RuntimeException e) {
        log.warn("POST /api/v1/seckill/orders failed", e);
        Answers.unavailable(ex);
        return;
      }
      int status = status(d.verdict());
      if (status == 202) {
        // The common answer, written without a tree; an orderId is [A-Za-z0-9_-] only (admit.lua).
        ex.setStatusCode(202);
        ex.getResponseHeaders().put(Headers.CONTENT_TYPE, "application/json");
        ex.getResponseSender().send(ByteBuffer.wrap(("{\"orderId\":\"" + d.orderId() + "\",\"status\":\"QUEUED\"}")
            .getBytes(StandardCharsets.US_ASCII)));
        return;
      }
      ObjectNode n = Answers.JSON.createObjectNode();
      n.put("error", d.reason());
      n.put("reason", d.reason());
      n.put("message", d.message());
      // Only ALREADY_BOUGHT carries an order id: the caller's own, since the buyer is the token's.
      if (d.orderId() != null) {
        n.put("orderId", d.orderId());
      }
      if (status == 429 || status == 503 || status == 504) {
        ex.getResponseHeaders().put(Headers.RETRY_AFTER, "1");
      }
      Answers.send(ex, status, n);
    } catch (RuntimeException e) {
      log.warn("could not answer an admission", e);
      ex.endExchange();
    } finally {
      metrics.observe("admit", start);
    }
  }

  /**
   * The HTTP status of an admission's verdict: 202 (an order to follow, also while its fate is
   * pending), 409 for the sale's refusals, 429 for the rate limit, 503 unavailable, 504 timed out.
   */
  static int status(AdmissionService.Verdict verdict) {
    return switch (verdict) {
      case ADMITTED, PENDING -> 202;
      case REFUSED -> 409;
      case RATE_LIMITED -> 429;
      case UNAVAILABLE -> 503;
      case TIMED_OUT -> 504;
    };
  }

  /** {@code POST /api/v1/orders/{id}/payment}: the buyer starts paying their own order. */
  private void pay(HttpServerExchange ex) {
    TokenVerifier.Buyer buyer = buyer(ex);
    if (buyer == null) {
      return;
    }
    String orderId = param(ex, "orderId");
    if (orderId == null || !ORDER_ID.matcher(orderId).matches()) {
      Answers.invalidField(ex, "orderId", "orderId must be 1-64 characters of [A-Za-z0-9_-]");
      return;
    }
    payments.start(ex, buyer.userId(), orderId);
  }

  /** {@code GET /api/v1/orders/{id}}: the buyer's own order; anyone else's is 404, like an unknown id. */
  private void order(HttpServerExchange ex) {
    TokenVerifier.Buyer buyer = buyer(ex);
    if (buyer == null) {
      return;
    }
    String orderId = param(ex, "orderId");
    if (orderId == null || !ORDER_ID.matcher(orderId).matches()) {
      Answers.invalidField(ex, "orderId", "orderId must be 1-64 characters of [A-Za-z0-9_-]");
      return;
    }
    Optional<StoredOrder> stored;
    try {
      stored = orders.find(orderId);
    } catch (RuntimeException e) {
      // order-rpc is away: Redis can still say whether the order is on its way.
      Optional<AdmissionRecord> rec = store.record(orderId);
      if (rec.isPresent() && rec.get().userId() == buyer.userId()
          && (rec.get().state() == 'A' || rec.get().state() == 'Q')) {
        Answers.send(ex, 200, queued(rec.get()));
      } else {
        Answers.refusal(ex, 503, "UNAVAILABLE", "order service unavailable, retry", 1);
      }
      return;
    }
    if (stored.isPresent()) {
      StoredOrder o = stored.get();
      if (o.userId() != buyer.userId()) {
        notFound(ex, orderId);
        return;
      }
      ObjectNode n = Answers.JSON.createObjectNode();
      n.put("orderId", o.orderId());
      // TRYING is the order's TCC in progress: still queued from the buyer's point of view.
      n.put("status", "TRYING".equals(o.status()) ? "QUEUED" : o.status());
      if ("TRYING".equals(o.status())) {
        n.put("stage", "TRYING");
      }
      if ("CANCELLED".equals(o.status())) {
        n.put("reason", o.reason());
      }
      if (payments != null) {
        payments.describe(o, n);
      }
      n.put("userId", o.userId());
      n.put("productId", o.productId());
      n.put("quantity", o.quantity());
      n.put("couponId", o.couponId());
      n.put("amountCents", o.amountCents());
      Answers.send(ex, 200, n);
      return;
    }
    Optional<AdmissionRecord> rec = store.record(orderId);
    if (rec.isPresent() && rec.get().state() != 'C' && rec.get().userId() == buyer.userId()) {
      Answers.send(ex, 200, queued(rec.get()));
      return;
    }
    notFound(ex, orderId);
  }

  private static void notFound(HttpServerExchange ex, String orderId) {
    Answers.error(ex, 404, "NOT_FOUND", "no order " + orderId);
  }

  private static ObjectNode queued(AdmissionRecord r) {
    ObjectNode n = Answers.JSON.createObjectNode();
    n.put("orderId", r.orderId());
    n.put("status", "QUEUED");
    n.put("userId", r.userId());
    n.put("productId", r.productId());
    n.put("quantity", r.quantity());
    n.put("couponId", r.couponId());
    return n;
  }

  private void health(HttpServerExchange ex) {
    AdminApi.health(ex, store);
  }

  static String param(HttpServerExchange ex, String name) {
    Deque<String> v = ex.getPathParameters().get(name);
    if (v == null || v.isEmpty()) {
      v = ex.getQueryParameters().get(name);
    }
    return v == null || v.isEmpty() ? null : v.getFirst();
  }
}
