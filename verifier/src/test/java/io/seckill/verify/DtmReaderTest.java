package io.seckill.verify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** DtmReader against a fake of DTM v1.19.0's HTTP API (no stack needed): paging, lookups, errors. */
class DtmReaderTest {
  private HttpServer server;
  private final List<String> requests = Collections.synchronizedList(new ArrayList<>());

  private DtmReader serve(Function<Map<String, String>, String> answer) throws IOException {
    return serve(answer, DtmReader.MAX_PAGES);
  }

  private DtmReader serve(Function<Map<String, String>, String> answer, int maxPages) throws IOException {
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext("/api/dtmsvr/", ex -> {
      requests.add(ex.getRequestURI().toString());
      Map<String, String> q = new HashMap<>();
      String raw = ex.getRequestURI().getRawQuery();
      for (String kv : raw == null ? new String[0] : raw.split("&")) {
        String[] p = kv.split("=", 2);
        q.put(p[0], p.length > 1 ? URLDecoder.decode(p[1], StandardCharsets.UTF_8) : "");
      }
      q.put("path", ex.getRequestURI().getPath());
      String body = answer.apply(q);
      int code = body.startsWith("!") ? 500 : 200;
      byte[] bytes = (code == 500 ? body.substring(1) : body).getBytes(StandardCharsets.UTF_8);
      ex.sendResponseHeaders(code, bytes.length);
      ex.getResponseBody().write(bytes);
      ex.close();
    });
    server.start();
    return new DtmReader("http://127.0.0.1:" + server.getAddress().getPort(), 4, Duration.ofSeconds(5), maxPages);
  }

  @AfterEach
  void stop() {
    if (server != null) {
      server.stop(0);
    }
  }

  @Test
  void unfinishedFollowsPositionsOfEveryStatusUntilTheEndAndFiltersThePrefix() throws Exception {
    DtmReader dtm = serve(q -> {
      if (!q.get("status").equals("prepared")) {
        return "{\"next_position\":\"\",\"transactions\":[]}";
      }
      // Page 1 names position 7, page 2 (from 7) ends with "".
      return q.get("position").isEmpty()
          ? "{\"next_position\":\"7\",\"transactions\":[{\"gid\":\"seckill-a\",\"status\":\"prepared\"},"
              + "{\"gid\":\"other-b\",\"status\":\"prepared\"}]}"
          : "{\"next_position\":\"\",\"transactions\":[{\"gid\":\"seckill-c\",\"status\":\"prepared\"}]}";
    });
    assertEquals(List.of(new Snapshot.GlobalTx("seckill-a", "prepared"), new Snapshot.GlobalTx("seckill-c", "prepared")),
        dtm.unfinished("seckill-"));
    assertEquals(4, requests.size(), requests.toString());
    assertTrue(requests.stream().allMatch(r -> r.contains("limit=500")), requests.toString());
    dtm.close();
  }

  @Test
  void aScanWhosePositionNeverEndsIsCutOff() throws Exception {
    DtmReader dtm = serve(q -> "{\"next_position\":\""
        + (q.get("position").isEmpty() ? 1 : Long.parseLong(q.get("position")) + 1) + "\",\"transactions\":[]}", 20);
    IOException e = assertThrows(IOException.class, () -> dtm.unfinished("seckill-"));
    assertTrue(e.getMessage().contains("did not end within 20 pages"), e.getMessage());
    assertEquals(20, requests.size());
    dtm.close();
  }

  @Test
  void statusesLooksUpEachGidAndLeavesOutUnknownOnes() throws Exception {
    DtmReader dtm = serve(q -> {
      String gid = q.get("gid");
      return gid.endsWith("-unknown") ? "{\"next_position\":\"\",\"transactions\":null}"
          : "{\"next_position\":\"\",\"transactions\":[{\"gid\":\"" + gid + "\",\"status\":\"succeed\"}]}";
    });
    List<String> gids = new ArrayList<>(IntStream.range(0, 50).mapToObj(i -> "seckill-" + i).toList());
    gids.add("seckill-x-unknown");
    Map<String, String> s = dtm.statuses(gids);
    assertEquals(50, s.size());
    assertEquals("succeed", s.get("seckill-49"));
    assertEquals(51, requests.size());
    dtm.close();
  }

  @Test
  void anErrorAnswerFailsTheRead() throws Exception {
    DtmReader dtm = serve(q -> "!storage down");
    IOException e = assertThrows(IOException.class, () -> dtm.statuses(List.of("seckill-1", "seckill-2")));
    assertTrue(e.getMessage().contains("500"), e.getMessage());
    assertThrows(IOException.class, () -> dtm.unfinished("seckill-"));
    dtm.close();
  }

  @Test
  void productOfReadsTheProductBranchPayload() throws Exception {
    String payload = java.util.Base64.getEncoder().encodeToString(
        io.seckill.proto.product.StockRequest.newBuilder().setOrderId("o").setProductId(4242).setQuantity(1).build()
            .toByteArray());
    DtmReader dtm = serve(q -> "{\"transaction\":{\"gid\":\"seckill-o\"},\"branches\":["
        + "{\"url\":\"127.0.0.1:9001/seckill.order.OrderService/Cancel\",\"bin_data\":\"AAAA\"},"
        + "{\"url\":\"127.0.0.1:9002/seckill.product.ProductService/Cancel\",\"bin_data\":\"" + payload + "\"}]}");
    assertEquals(4242, dtm.productOf("seckill-o").getAsLong());
    assertTrue(requests.get(0).startsWith("/api/dtmsvr/query?gid=seckill-o"), requests.toString());
    dtm.close();
  }
}
