package io.seckill.verify;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.seckill.proto.product.ProductServiceGrpc;
import io.seckill.proto.product.StockRequest;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * What DTM knows, read over its own HTTP API, so the same code works whatever DTM stores in (MySQL
 * or Redis). DTM v1.19.0 (dtmsvr/api_http.go) offers:
 * <ul>
 *   <li>{@code GET /api/dtmsvr/all?gid=G}: that one global row, or {@code "transactions": null};</li>
 *   <li>{@code GET /api/dtmsvr/all?status=S&limit=N&position=P}: a page of global rows and
 *       {@code next_position} ("" at the end). MySQL storage pages by descending id and is exact.
 *       Redis storage pages by a SCAN cursor and, once a page is full, drops the rest of the SCAN
 *       batch it was filtering (dtmsvr/storage/redis/redis.go {@code ScanTransGlobalStores}), so a
 *       status scan there is complete only while nothing matches it;</li>
 *   <li>{@code GET /api/dtmsvr/query?gid=G}: the global row and its branches (payloads base64).</li>
 * </ul>
 * Gids another source already knows (order rows, admissions, ids the caller sent) are therefore
 * looked up one by one ({@link #statuses}, bounded concurrency); the status scan only adds gids no
 * other source knows. Every request has a timeout; a scan has a page bound.
 */
public final class DtmReader implements AutoCloseable {
  /** The statuses of a global transaction that is not finished yet. */
  public static final List<String> UNFINISHED = List.of("prepared", "submitted", "aborting");
  private static final int PAGE = 500;
  /** A scan that keeps returning positions is cut off here (5,000,000 rows) rather than looping forever. */
  static final int MAX_PAGES = 10_000;

  private final String base;
  private final Duration timeout;
  private final int concurrency;
  private final int maxPages;
  private final ExecutorService executor;
  private final HttpClient http;
  private final ObjectMapper json = new ObjectMapper();

  /** Talks to DTM at {@code base} (http://host:port), at most {@code concurrency} requests at once. */
  public DtmReader(String base, int concurrency, Duration timeout) {
    this(base, concurrency, timeout, MAX_PAGES);
  }

  DtmReader(String base, int concurrency, Duration timeout, int maxPages) {
    this.maxPages = maxPages;
    this.base = base;
    this.timeout = timeout;
    this.concurrency = concurrency;
    this.executor = Executors.newFixedThreadPool(Math.max(1, concurrency), r -> {
      Thread t = new Thread(r, "dtm-reader");
      t.setDaemon(true);
      return t;
    });
    this.http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(3)).executor(executor).build();
  }

  /** Reads the DTM of {@code config}. */
  public static DtmReader of(VerifierConfig config) {
    return new DtmReader(config.dtmHttpBase(), config.dtmConcurrency(), Duration.ofMillis(config.dtmTimeoutMillis()));
  }

  /**
   * Transactions DTM lists as prepared, submitted or aborting whose gid starts with {@code prefix}
   * (paged status scans; see the class comment for what the Redis store can miss).
   */
  public List<Snapshot.GlobalTx> unfinished(String prefix) throws IOException, InterruptedException {
    List<Snapshot.GlobalTx> out = new ArrayList<>();
    Set<String> seen = new HashSet<>();
    for (String status : UNFINISHED) {
      String position = "";
      for (int page = 0; ; page++) {
        if (page == maxPages) {
          throw new IOException("DTM's scan of status " + status + " did not end within " + maxPages + " pages");
        }
        JsonNode r = get("/api/dtmsvr/all?status=" + status + "&limit=" + PAGE + "&position=" + enc(position));
        for (JsonNode t : r.path("transactions")) {
          String gid = t.path("gid").asText();
          if (gid.startsWith(prefix) && status.equals(t.path("status").asText()) && seen.add(gid)) {
            out.add(new Snapshot.GlobalTx(gid, status));
          }
        }
        String next = r.path("next_position").asText("");
        if (next.isEmpty() || next.equals(position)) {
          break;
        }
        position = next;
      }
    }
    return out;
  }

  /** gid -> DTM status for those of {@code gids} DTM knows (one exact lookup each, bounded in flight). */
  public Map<String, String> statuses(Collection<String> gids) throws IOException, InterruptedException {
    Map<String, String> out = new LinkedHashMap<>();
    Semaphore inFlight = new Semaphore(concurrency);
    List<CompletableFuture<String[]>> pending = new ArrayList<>();
    try {
      for (String gid : gids) {
        inFlight.acquire();
        CompletableFuture<String[]> f = http.sendAsync(request("/api/dtmsvr/all?gid=" + enc(gid)),
            HttpResponse.BodyHandlers.ofString()).thenApply(resp -> {
              JsonNode t = parse(resp, "/api/dtmsvr/all?gid=" + gid).path("transactions").path(0);
              return t.isMissingNode() || t.isNull() ? null : new String[] {t.path("gid").asText(), t.path("status").asText()};
            });
        f.whenComplete((r, e) -> inFlight.release());
        pending.add(f);
      }
      for (CompletableFuture<String[]> f : pending) {
        String[] r = f.get(timeout.toMillis() + 5_000, TimeUnit.MILLISECONDS);
        if (r != null) {
          out.put(r[0], r[1]);
        }
      }
    } catch (ExecutionException e) {
      Throwable c = e.getCause() instanceof java.io.UncheckedIOException u ? u.getCause() : e.getCause();
      throw c instanceof IOException io ? io : new IOException("reading DTM statuses: " + c, c);
    } catch (java.util.concurrent.TimeoutException e) {
      throw new IOException("DTM did not answer a status lookup in time", e);
    } finally {
      pending.forEach(f -> f.cancel(true));
    }
    return out;
  }

  /** The product of {@code gid}, read from its product branch's payload, when it has one. */
  public OptionalLong productOf(String gid) throws IOException, InterruptedException {
    JsonNode r = get("/api/dtmsvr/query?gid=" + enc(gid));
    for (JsonNode b : r.path("branches")) {
      if (b.path("url").asText().contains("/" + ProductServiceGrpc.SERVICE_NAME + "/") && b.hasNonNull("bin_data")) {
        byte[] payload = Base64.getDecoder().decode(b.path("bin_data").asText());
        return OptionalLong.of(StockRequest.parseFrom(payload).getProductId());
      }
    }
    return OptionalLong.empty();
  }

  private HttpRequest request(String path) {
    return HttpRequest.newBuilder(URI.create(base + path)).timeout(timeout).GET().build();
  }

  private JsonNode get(String path) throws IOException, InterruptedException {
    try {
      return parse(http.send(request(path), HttpResponse.BodyHandlers.ofString()), path);
    } catch (java.io.UncheckedIOException e) {
      throw e.getCause();
    }
  }

  private JsonNode parse(HttpResponse<String> r, String path) {
    try {
      if (r.statusCode() != 200) {
        throw new IOException("DTM answered " + r.statusCode() + " to GET " + path + ": " + r.body());
      }
      return json.readTree(r.body());
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  private static String enc(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }

  @Override
  public void close() {
    executor.shutdownNow();
  }
}
