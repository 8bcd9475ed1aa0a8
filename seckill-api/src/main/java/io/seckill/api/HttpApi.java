package io.seckill.api;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.seckill.api.AdmissionStore.AdmissionRecord;
import io.seckill.api.OrderDirectory.StoredOrder;
import io.undertow.Handlers;
import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.server.RequestTooBigException;
import io.undertow.server.handlers.BlockingHandler;
import io.undertow.util.SameThreadExecutor;
import io.undertow.io.Receiver;
import io.undertow.util.Headers;
import io.undertow.util.HttpString;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Deque;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP routes. Admission runs asynchronously from the I/O thread (no thread waits on Redis or
 * Kafka); the other routes run on an Undertow worker thread. All answer JSON; errors carry {@code error}, {@code reason} or
 * {@code field} and a {@code message}.
 */
public final class HttpApi {
  private static final Logger log = LoggerFactory.getLogger(HttpApi.class);
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Pattern ORDER_ID = Pattern.compile("[A-Za-z0-9_-]{1,64}");

  private final AdmissionService admission;
  private final AdmissionStore store;
  private final OrderDirectory orders;
  private final SaleAdmin sales;
  private final ApiMetrics metrics;
  private final int maxBodyBytes;
  private final int maxQuantity;
  private final String adminToken;
  private final List<Long> demoProducts;

  /** Routes over the given parts. */
  public HttpApi(AdmissionService admission, AdmissionStore store, OrderDirectory orders, SaleAdmin sales,
      ApiMetrics metrics, int maxBodyBytes, int maxQuantity, String adminToken, List<Long> demoProducts) {
    this.admission = admission;
    this.store = store;
    this.orders = orders;
    this.sales = sales;
    this.metrics = metrics;
    this.maxBodyBytes = maxBodyBytes;
    this.maxQuantity = maxQuantity;
    this.adminToken = adminToken;
    this.demoProducts = List.copyOf(demoProducts);
  }

  /** The root handler. */
  public HttpHandler handler() {
    // Admission runs on the I/O thread and never blocks it (async body read, Redis and Kafka through
    // callbacks); the other routes are rare and call blocking clients, so they get a worker thread.
    return Handlers.routing()
        .post("/api/v1/seckill/orders", this::admit)
        .get("/api/v1/orders/{orderId}", blocking(timed("order", this::order)))
        .post("/api/v1/admin/sales/open-all", blocking(timed("admin", admin(this::openAll))))
        .post("/api/v1/admin/sales/{productId}/open", blocking(timed("admin", admin(this::open))))
        .post("/api/v1/admin/sales/{productId}/close", blocking(timed("admin", admin(this::close))))
        .get("/api/v1/admin/sales/{productId}", blocking(timed("admin", admin(this::sale))))
        .get("/health", blocking(timed("health", this::health)))
        .get("/metrics", blocking(this::metrics))
        .setFallbackHandler(ex -> error(ex, 404, "NOT_FOUND", "no such route: " + ex.getRequestPath()))
        .setInvalidMethodHandler(ex -> error(ex, 405, "METHOD_NOT_ALLOWED", ex.getRequestMethod() + " not allowed here"));
  }

  private static HttpHandler blocking(HttpHandler h) {
    return new BlockingHandler(h);
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
          error(ex, 503, "UNAVAILABLE", "temporarily unavailable: " + e.getClass().getSimpleName());
        }
      } finally {
        metrics.observe(name, start);
      }
    };
  }

  /**
   * {@code POST /api/v1/seckill/orders}, on the I/O thread. The body is read without blocking (at most
   * {@code maxBodyBytes}, else 413), then the exchange is dispatched so it stays open, and it is ended
   * from whichever thread completes the admission (Redisson's, the Kafka producer's or the ack timer's).
   */
  private void admit(HttpServerExchange ex) {
    long start = System.nanoTime();
    if (ex.getRequestContentLength() > maxBodyBytes) {
      tooLarge(ex, start);
      return;
    }
    Receiver receiver = ex.getRequestReceiver();
    receiver.setMaxBufferSize(maxBodyBytes);
    receiver.receiveFullBytes((e, body) -> admitBody(e, body, start), (e, err) -> {
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
    error(ex, 413, "TOO_LARGE", "body larger than " + maxBodyBytes + " bytes");
    metrics.observe("admit", start);
  }

  private void admitBody(HttpServerExchange ex, byte[] body, long start) {
    AdmissionRequest req;
    try {
      req = AdmissionRequest.parse(body, maxQuantity);
    } catch (AdmissionRequest.InvalidField e) {
      metrics.admission("invalid");
      ObjectNode n = JSON.createObjectNode();
      n.put("error", "INVALID_FIELD");
      n.put("field", e.field());
      n.put("message", e.getMessage());
      send(ex, 400, n);
      metrics.observe("admit", start);
      return;
    }
    CompletableFuture<AdmissionService.Decision> decision;
    try {
      decision = admission.admitAsync(req.userId(), req.productId(), req.quantity(), req.couponId(),
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
        error(ex, 503, "UNAVAILABLE", "temporarily unavailable: " + e.getClass().getSimpleName());
        return;
      }
      if (d.status() == 202) {
        // The common answer, written without a tree; an orderId is [A-Za-z0-9_-] only (admit.lua).
        ex.setStatusCode(202);
        ex.getResponseHeaders().put(Headers.CONTENT_TYPE, "application/json");
        ex.getResponseSender().send(ByteBuffer.wrap(("{\"orderId\":\"" + d.orderId() + "\",\"status\":\"QUEUED\"}")
            .getBytes(StandardCharsets.US_ASCII)));
        return;
      }
      ObjectNode n = JSON.createObjectNode();
      {
        n.put("error", d.reason());
        n.put("reason", d.reason());
        n.put("message", d.message());
        if (d.orderId() != null) {
          n.put("orderId", d.orderId());
        }
        if (d.status() == 429 || d.status() == 503 || d.status() == 504) {
          ex.getResponseHeaders().put(Headers.RETRY_AFTER, "1");
        }
      }
      send(ex, d.status(), n);
    } catch (RuntimeException e) {
      log.warn("could not answer an admission", e);
      ex.endExchange();
    } finally {
      metrics.observe("admit", start);
    }
  }

  private void order(HttpServerExchange ex) throws IOException {
    String orderId = param(ex, "orderId");
    if (orderId == null || !ORDER_ID.matcher(orderId).matches()) {
      ObjectNode n = JSON.createObjectNode();
      n.put("error", "INVALID_FIELD");
      n.put("field", "orderId");
      n.put("message", "orderId must be 1-64 characters of [A-Za-z0-9_-]");
      send(ex, 400, n);
      return;
    }
    Optional<StoredOrder> stored;
    try {
      stored = orders.find(orderId);
    } catch (RuntimeException e) {
      // order-rpc is away: Redis can still say whether the order is on its way.
      Optional<AdmissionRecord> rec = store.record(orderId);
      if (rec.isPresent() && (rec.get().state() == 'A' || rec.get().state() == 'Q')) {
        send(ex, 200, queued(rec.get()));
      } else {
        error(ex, 503, "UNAVAILABLE", "order service unavailable, retry");
      }
      return;
    }
    if (stored.isPresent()) {
      StoredOrder o = stored.get();
      ObjectNode n = JSON.createObjectNode();
      n.put("orderId", o.orderId());
      // TRYING is the order's TCC in progress: still queued from the buyer's point of view.
      n.put("status", "TRYING".equals(o.status()) ? "QUEUED" : o.status());
      if ("TRYING".equals(o.status())) {
        n.put("stage", "TRYING");
      }
      if ("CANCELLED".equals(o.status())) {
        n.put("reason", o.reason());
      }
      n.put("userId", o.userId());
      n.put("productId", o.productId());
      n.put("quantity", o.quantity());
      n.put("couponId", o.couponId());
      n.put("amountCents", o.amountCents());
      send(ex, 200, n);
      return;
    }
    Optional<AdmissionRecord> rec = store.record(orderId);
    if (rec.isPresent() && rec.get().state() != 'C') {
      send(ex, 200, queued(rec.get()));
      return;
    }
    error(ex, 404, "NOT_FOUND", "no order " + orderId);
  }

  private static ObjectNode queued(AdmissionRecord r) {
    ObjectNode n = JSON.createObjectNode();
    n.put("orderId", r.orderId());
    n.put("status", "QUEUED");
    n.put("userId", r.userId());
    n.put("productId", r.productId());
    n.put("quantity", r.quantity());
    n.put("couponId", r.couponId());
    return n;
  }

  private void open(HttpServerExchange ex) throws IOException {
    Long productId = productId(ex);
    if (productId == null) {
      return;
    }
    Optional<SaleAdmin.OpenedSale> s = sales.open(productId);
    if (s.isEmpty()) {
      error(ex, 404, "UNKNOWN_PRODUCT", "product-rpc does not know product " + productId);
      return;
    }
    send(ex, 200, JSON.valueToTree(s.get()));
  }

  private void openAll(HttpServerExchange ex) throws IOException {
    List<Long> ids = demoProducts;
    String spec = query(ex, "ids");
    if (spec != null) {
      try {
        ids = ApiConfig.parseIds(spec);
      } catch (IllegalArgumentException e) {
        error(ex, 400, "INVALID_FIELD", "ids: " + e.getMessage());
        return;
      }
    }
    ArrayNode opened = JSON.createArrayNode();
    ArrayNode failed = JSON.createArrayNode();
    for (long id : ids) {
      try {
        Optional<SaleAdmin.OpenedSale> s = sales.open(id);
        if (s.isPresent()) {
          opened.add(JSON.<ObjectNode>valueToTree(s.get()));
        } else {
          failed.add(JSON.createObjectNode().put("productId", id).put("error", "UNKNOWN_PRODUCT"));
        }
      } catch (RuntimeException e) {
        failed.add(JSON.createObjectNode().put("productId", id).put("error", e.toString()));
      }
    }
    ObjectNode n = JSON.createObjectNode();
    n.set("opened", opened);
    n.set("failed", failed);
    send(ex, failed.isEmpty() ? 200 : 207, n);
  }

  private void close(HttpServerExchange ex) throws IOException {
    Long productId = productId(ex);
    if (productId == null) {
      return;
    }
    if (!sales.close(productId)) {
      error(ex, 404, "NO_SALE", "product " + productId + " never had a sale");
      return;
    }
    send(ex, 200, JSON.createObjectNode().put("productId", productId).put("open", false));
  }

  private void sale(HttpServerExchange ex) throws IOException {
    Long productId = productId(ex);
    if (productId == null) {
      return;
    }
    Optional<AdmissionStore.Sale> s = store.sale(productId);
    if (s.isEmpty()) {
      error(ex, 404, "NO_SALE", "product " + productId + " never had a sale");
      return;
    }
    ObjectNode n = JSON.valueToTree(s.get());
    n.put("soldOutFlag", admission.isFlaggedSoldOut(productId));
    send(ex, 200, n);
  }

  private void health(HttpServerExchange ex) throws IOException {
    boolean redis;
    try {
      redis = store.ping();
    } catch (RuntimeException e) {
      redis = false;
    }
    ObjectNode n = JSON.createObjectNode();
    n.put("status", redis ? "UP" : "DOWN");
    n.put("redis", redis ? "UP" : "DOWN");
    send(ex, redis ? 200 : 503, n);
  }

  private void metrics(HttpServerExchange ex) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream(8192);
    metrics.write(out);
    ex.getResponseHeaders().put(Headers.CONTENT_TYPE, metrics.contentType());
    ex.getResponseSender().send(java.nio.ByteBuffer.wrap(out.toByteArray()));
  }

  private Route admin(Route route) {
    if (adminToken.isEmpty()) {
      return route;
    }
    byte[] expected = adminToken.getBytes(StandardCharsets.UTF_8);
    return ex -> {
      String given = ex.getRequestHeaders().getFirst(new HttpString("X-Admin-Token"));
      if (given == null || !MessageDigest.isEqual(expected, given.getBytes(StandardCharsets.UTF_8))) {
        error(ex, 401, "UNAUTHORIZED", "admin endpoints need the X-Admin-Token header");
        return;
      }
      route.handle(ex);
    };
  }

  private Long productId(HttpServerExchange ex) throws IOException {
    String v = param(ex, "productId");
    try {
      long id = Long.parseLong(v);
      if (id > 0) {
        return id;
      }
    } catch (NumberFormatException e) {
      // answered below
    }
    ObjectNode n = JSON.createObjectNode();
    n.put("error", "INVALID_FIELD");
    n.put("field", "productId");
    n.put("message", "productId must be a positive whole number");
    send(ex, 400, n);
    return null;
  }

  private static String param(HttpServerExchange ex, String name) {
    Deque<String> v = ex.getPathParameters().get(name);
    if (v == null || v.isEmpty()) {
      v = ex.getQueryParameters().get(name);
    }
    return v == null || v.isEmpty() ? null : v.getFirst();
  }

  private static String query(HttpServerExchange ex, String name) {
    Deque<String> v = ex.getQueryParameters().get(name);
    return v == null || v.isEmpty() ? null : v.getFirst();
  }

  private static void error(HttpServerExchange ex, int status, String error, String message) {
    ObjectNode n = JSON.createObjectNode();
    n.put("error", error);
    n.put("message", message);
    send(ex, status, n);
  }

  private static void send(HttpServerExchange ex, int status, Object body) {
    String text;
    try {
      text = JSON.writeValueAsString(body);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalStateException("cannot serialise an answer", e);
    }
    ex.setStatusCode(status);
    ex.getResponseHeaders().put(Headers.CONTENT_TYPE, "application/json");
    ex.getResponseSender().send(text, StandardCharsets.UTF_8);
  }
}
