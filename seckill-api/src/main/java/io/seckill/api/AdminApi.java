package io.seckill.api;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.undertow.Handlers;
import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.server.handlers.BlockingHandler;
import io.undertow.util.Headers;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The operator's listener (loopback by default, a port of its own): sales admin behind
 * {@code Authorization: Bearer <admin token>}, plus {@code /metrics} and {@code /health} for the
 * probes. Every admin call is logged with its caller and answer. Opening sales runs on one admin
 * thread, not the request's: a call waits for its job at most {@code waitMs}, then answers 202 while
 * the job goes on; a full job queue answers 503. The live dashboard's page ({@code /dashboard/}) holds
 * no data and is served to anyone who reaches the port; the figures it polls need the admin token.
 */
public final class AdminApi implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(AdminApi.class);
  private static final Logger audit = LoggerFactory.getLogger("io.seckill.api.audit");

  private final AdmissionService admission;
  private final AdmissionStore store;
  private final SaleAdmin sales;
  private final ApiMetrics metrics;
  private final byte[] token;
  private final int maxIds;
  private final long waitMs;
  private final List<Long> demoProducts;
  private final ThreadPoolExecutor jobs;
  private final Dashboard dashboard;
  private final DashboardAssets assets = new DashboardAssets();

  /** Routes over the given parts; a null {@code token} leaves the admin routes open (development). */
  public AdminApi(AdmissionService admission, AdmissionStore store, SaleAdmin sales, ApiMetrics metrics,
      String token, int maxIds, long waitMs, List<Long> demoProducts, Dashboard dashboard) {
    this.dashboard = dashboard;
    this.admission = admission;
    this.store = store;
    this.sales = sales;
    this.metrics = metrics;
    this.token = token == null ? null : token.getBytes(StandardCharsets.UTF_8);
    this.maxIds = maxIds;
    this.waitMs = waitMs;
    this.demoProducts = List.copyOf(demoProducts);
    this.jobs = new ThreadPoolExecutor(1, 1, 0, TimeUnit.MILLISECONDS, new ArrayBlockingQueue<>(16), r -> {
      Thread t = new Thread(r, "api-admin-jobs");
      t.setDaemon(true);
      return t;
    });
  }

  /** The root handler of the admin listener. */
  public HttpHandler handler() {
    return Handlers.routing()
        .post("/api/v1/admin/sales/open-all", admin(this::openAll))
        .post("/api/v1/admin/sales/{productId}/open", admin(this::open))
        .post("/api/v1/admin/sales/{productId}/close", admin(this::close))
        .get("/api/v1/admin/sales/{productId}", admin(this::sale))
        .get("/api/v1/admin/dashboard", admin(ex -> Answers.send(ex, 200, Answers.JSON.valueToTree(dashboard.view()))))
        .get("/dashboard", ex -> {
          ex.setStatusCode(302);
          ex.getResponseHeaders().put(Headers.LOCATION, "/dashboard/");
          ex.endExchange();
        })
        .get("/dashboard/", ex -> assets.send(ex, ""))
        .get("/dashboard/{file}", ex -> assets.send(ex, HttpApi.param(ex, "file")))
        .get("/health", new BlockingHandler(ex -> health(ex, store)))
        .get("/metrics", new BlockingHandler(this::metrics))
        .setFallbackHandler(ex -> Answers.error(ex, 404, "NOT_FOUND", "no such route: " + ex.getRequestPath()))
        .setInvalidMethodHandler(ex -> Answers.error(ex, 405, "METHOD_NOT_ALLOWED",
            ex.getRequestMethod() + " not allowed here"));
  }

  private interface Route {
    void handle(HttpServerExchange ex) throws Exception;
  }

  /** Token check, audit line, timing and the 503 of a failed call, on a worker thread. */
  private HttpHandler admin(Route route) {
    return new BlockingHandler(ex -> {
      long start = System.nanoTime();
      ex.addExchangeCompleteListener((e, next) -> {
        audit.info("admin {} {}{} from {} -> {}", e.getRequestMethod(), e.getRequestPath(),
            e.getQueryString().isEmpty() ? "" : "?" + e.getQueryString(), e.getSourceAddress(), e.getStatusCode());
        next.proceed();
      });
      try {
        if (!authorized(ex)) {
          metrics.admin("unauthorized");
          ex.getResponseHeaders().put(Headers.WWW_AUTHENTICATE, "Bearer realm=\"seckill-admin\"");
          Answers.error(ex, 401, "UNAUTHORIZED", "admin calls need Authorization: Bearer <admin token>");
          return;
        }
        metrics.admin("authorized");
        route.handle(ex);
      } catch (Exception e) {
        log.warn("{} {} failed", ex.getRequestMethod(), ex.getRequestPath(), e);
        if (!ex.isResponseStarted()) {
          Answers.unavailable(ex);
        }
      } finally {
        metrics.observe("admin", start);
      }
    });
  }

  private boolean authorized(HttpServerExchange ex) {
    if (token == null) {
      return true;
    }
    String h = ex.getRequestHeaders().getFirst(Headers.AUTHORIZATION);
    if (h == null || !h.regionMatches(true, 0, "Bearer ", 0, 7)) {
      return false;
    }
    return MessageDigest.isEqual(token, h.substring(7).strip().getBytes(StandardCharsets.UTF_8));
  }

  /** Runs {@code job} on the admin thread and answers with its result, or 202 if it outlasts the wait. */
  private void run(HttpServerExchange ex, Callable<Answer> job, String running) {
    Future<Answer> f;
    try {
      f = jobs.submit(job);
    } catch (RejectedExecutionException e) {
      Answers.refusal(ex, 503, "BUSY", "too many admin jobs queued, retry", 5);
      return;
    }
    try {
      Answer a = f.get(waitMs, TimeUnit.MILLISECONDS);
      Answers.send(ex, a.status(), a.body());
    } catch (TimeoutException e) {
      ObjectNode n = Answers.JSON.createObjectNode();
      n.put("status", "RUNNING");
      n.put("message", running);
      Answers.send(ex, 202, n);
    } catch (ExecutionException e) {
      log.warn("admin job {} {} failed", ex.getRequestMethod(), ex.getRequestPath(), e.getCause());
      Answers.unavailable(ex);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      Answers.unavailable(ex);
    }
  }

  private record Answer(int status, Object body) {}

  private void open(HttpServerExchange ex) {
    Long productId = productId(ex);
    if (productId == null) {
      return;
    }
    run(ex, () -> {
      SaleAdmin.OpenResult r = sales.open(productId);
      if (r instanceof SaleAdmin.Opened o) {
        return new Answer(200, Answers.JSON.valueToTree(o.sale()));
      }
      return new Answer(r instanceof SaleAdmin.UnknownProduct ? 404 : 409, failure(r));
    }, "opening product " + productId + " goes on; GET /api/v1/admin/sales/" + productId + " shows the sale");
  }

  private void openAll(HttpServerExchange ex) {
    List<Long> ids = demoProducts;
    String spec = query(ex, "ids");
    if (spec != null) {
      try {
        ids = ApiConfig.parseIds(spec, maxIds);
      } catch (IllegalArgumentException e) {
        Answers.invalidField(ex, "ids", "ids: " + e.getMessage());
        return;
      }
    }
    final List<Long> chosen = new ArrayList<>(ids);
    run(ex, () -> {
      ArrayNode opened = Answers.JSON.createArrayNode();
      ArrayNode failed = Answers.JSON.createArrayNode();
      for (long id : chosen) {
        try {
          SaleAdmin.OpenResult r = sales.open(id);
          if (r instanceof SaleAdmin.Opened o) {
            opened.add(Answers.JSON.<ObjectNode>valueToTree(o.sale()));
          } else {
            failed.add(failure(r));
          }
        } catch (RuntimeException e) {
          log.warn("opening the sale of product {} failed", id, e);
          failed.add(Answers.JSON.createObjectNode().put("productId", id).put("error", "UNAVAILABLE"));
        }
      }
      ObjectNode n = Answers.JSON.createObjectNode();
      n.set("opened", opened);
      n.set("failed", failed);
      return new Answer(failed.isEmpty() ? 200 : 207, n);
    }, "opening " + chosen.size() + " sales goes on; GET /api/v1/admin/sales/{id} shows each");
  }

  private static ObjectNode failure(SaleAdmin.OpenResult r) {
    ObjectNode n = Answers.JSON.createObjectNode();
    if (r instanceof SaleAdmin.UnknownProduct u) {
      n.put("productId", u.productId());
      n.put("error", "UNKNOWN_PRODUCT");
      n.put("message", "product-rpc does not know product " + u.productId());
    } else if (r instanceof SaleAdmin.TooManyPending t) {
      n.put("productId", t.productId());
      n.put("error", "TOO_MANY_PENDING");
      n.put("message", t.pending() + " admissions still to settle (limit " + t.limit()
          + "): retry once the reconciler has worked them off");
    }
    return n;
  }

  private void close(HttpServerExchange ex) {
    Long productId = productId(ex);
    if (productId == null) {
      return;
    }
    if (!sales.close(productId)) {
      Answers.error(ex, 404, "NO_SALE", "product " + productId + " never had a sale");
      return;
    }
    Answers.send(ex, 200, Answers.JSON.createObjectNode().put("productId", productId).put("open", false));
  }

  private void sale(HttpServerExchange ex) {
    Long productId = productId(ex);
    if (productId == null) {
      return;
    }
    Optional<AdmissionStore.Sale> s = store.sale(productId);
    if (s.isEmpty()) {
      Answers.error(ex, 404, "NO_SALE", "product " + productId + " never had a sale");
      return;
    }
    ObjectNode n = Answers.JSON.valueToTree(s.get());
    n.put("soldOutFlag", admission.isFlaggedSoldOut(productId));
    n.put("pending", store.pendingCount(productId));
    Answers.send(ex, 200, n);
  }

  static void health(HttpServerExchange ex, AdmissionStore store) {
    boolean redis;
    try {
      redis = store.ping();
    } catch (RuntimeException e) {
      redis = false;
    }
    ObjectNode n = Answers.JSON.createObjectNode();
    n.put("status", redis ? "UP" : "DOWN");
    n.put("redis", redis ? "UP" : "DOWN");
    Answers.send(ex, redis ? 200 : 503, n);
  }

  private void metrics(HttpServerExchange ex) throws IOException {
    dashboard.touch();
    ByteArrayOutputStream out = new ByteArrayOutputStream(8192);
    metrics.write(out);
    ex.getResponseHeaders().put(Headers.CONTENT_TYPE, metrics.contentType());
    ex.getResponseSender().send(ByteBuffer.wrap(out.toByteArray()));
  }

  private static Long productId(HttpServerExchange ex) {
    String v = HttpApi.param(ex, "productId");
    try {
      long id = Long.parseLong(v);
      if (id > 0) {
        return id;
      }
    } catch (NumberFormatException e) {
      // answered below
    }
    Answers.invalidField(ex, "productId", "productId must be a positive whole number");
    return null;
  }

  private static String query(HttpServerExchange ex, String name) {
    var v = ex.getQueryParameters().get(name);
    return v == null || v.isEmpty() ? null : v.getFirst();
  }

  /** Stops the admin thread; a running job is interrupted after a short grace. */
  @Override
  public void close() {
    jobs.shutdown();
    try {
      if (!jobs.awaitTermination(5, TimeUnit.SECONDS)) {
        jobs.shutdownNow();
      }
    } catch (InterruptedException e) {
      jobs.shutdownNow();
      Thread.currentThread().interrupt();
    }
  }
}
