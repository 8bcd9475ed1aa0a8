package io.seckill.verify;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
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
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;

/** DTM's HTTP API ({@code /api/dtmsvr/all}, {@code /query}): the only view when DTM stores in Redis. */
public final class HttpDtmState implements DtmState {
  private static final List<String> UNFINISHED = List.of("prepared", "submitted", "aborting");
  private static final int PAGE = 500;
  /** A scan that keeps returning positions is cut off here rather than looping forever. */
  private static final int MAX_PAGES = 10_000;

  private final String base;
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(3)).build();
  private final ObjectMapper json = new ObjectMapper();

  /** Talks to DTM at {@code base} (http://host:port). */
  public HttpDtmState(String base) {
    this.base = base;
  }

  @Override
  public List<Snapshot.GlobalTx> unfinished(String prefix) throws Exception {
    List<Snapshot.GlobalTx> out = new ArrayList<>();
    Set<String> seen = new HashSet<>();
    for (String status : UNFINISHED) {
      String position = "";
      for (int page = 0; page < MAX_PAGES; page++) {
        JsonNode r = get("/api/dtmsvr/all?status=" + status + "&limit=" + PAGE + "&position=" + enc(position));
        for (JsonNode t : r.path("transactions")) {
          String gid = t.path("gid").asText();
          if (gid.startsWith(prefix) && status.equals(t.path("status").asText()) && seen.add(gid)) {
            out.add(new Snapshot.GlobalTx(gid, status));
          }
        }
        String next = r.path("next_position").asText("");
        // SQL stores answer "" at the end; the Redis store's SCAN cursor comes back to "0".
        if (next.isEmpty() || "0".equals(next) || next.equals(position)) {
          break;
        }
        position = next;
      }
    }
    return out;
  }

  @Override
  public Map<String, String> outcomes(Collection<String> gids) {
    return null;
  }

  @Override
  public OptionalLong productOf(String gid) throws Exception {
    JsonNode r = get("/api/dtmsvr/query?gid=" + enc(gid));
    for (JsonNode b : r.path("branches")) {
      if (b.path("url").asText().contains("ProductService") && b.hasNonNull("bin_data")) {
        byte[] payload = Base64.getDecoder().decode(b.path("bin_data").asText());
        return OptionalLong.of(StockRequest.parseFrom(payload).getProductId());
      }
    }
    return OptionalLong.empty();
  }

  private JsonNode get(String path) throws IOException, InterruptedException {
    HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(10))
        .GET().build(), HttpResponse.BodyHandlers.ofString());
    if (r.statusCode() != 200) {
      throw new IOException("DTM answered " + r.statusCode() + " to GET " + path + ": " + r.body());
    }
    return json.readTree(r.body());
  }

  private static String enc(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }
}
