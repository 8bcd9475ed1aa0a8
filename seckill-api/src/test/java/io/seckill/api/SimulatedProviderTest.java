package io.seckill.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import io.seckill.auth.ProviderSignature;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The simulated provider against a local HTTP listener: ids, signed callbacks, redelivery. */
class SimulatedProviderTest {
  private static final ProviderSignature SIGNATURE =
      new ProviderSignature("0123456789abcdef0123456789abcdef".getBytes(StandardCharsets.US_ASCII));

  @Test
  void transactionIdsAreSimAnd128RandomBits() {
    try (SimulatedProvider p = new SimulatedProvider(SIGNATURE, () -> URI.create("http://127.0.0.1:1/"), 1.0, 600_000)) {
      Set<String> ids = new HashSet<>();
      for (int i = 0; i < 1000; i++) {
        String id = p.newTxnId();
        assertTrue(id.matches("sim-[0-9a-f]{32}"), id);
        ids.add(id);
      }
      assertEquals(1000, ids.size());
      String started = p.start("7-ab", 100);
      assertTrue(started.matches("sim-[0-9a-f]{32}") && started.length() <= 64, started);
      assertNotEquals(started, p.start("7-ab", 100), "every payment is a transaction of its own");
    }
  }

  @Test
  void theCallbackIsSignedAndRedeliveredUntilA2xx() throws Exception {
    AtomicInteger calls = new AtomicInteger();
    List<String> verdicts = new CopyOnWriteArrayList<>();
    List<byte[]> bodies = new CopyOnWriteArrayList<>();
    CountDownLatch delivered = new CountDownLatch(1);
    HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext("/cb", ex -> {
      byte[] body = ex.getRequestBody().readAllBytes();
      bodies.add(body);
      verdicts.add(SIGNATURE.verify(ex.getRequestHeaders().getFirst(ProviderSignature.HEADER), body,
          Instant.now().getEpochSecond(), 300).name());
      int n = calls.incrementAndGet();
      // The first two deliveries fail, like an API that is restarting.
      int status = n <= 2 ? 503 : 204;
      ex.sendResponseHeaders(status, -1);
      ex.close();
      if (status == 204) {
        delivered.countDown();
      }
    });
    server.start();
    URI url = URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/cb");
    try (SimulatedProvider p = new SimulatedProvider(SIGNATURE, () -> url, 1.0, 10)) {
      String txn = p.start("7-ab", 1500);
      assertTrue(delivered.await(20, TimeUnit.SECONDS), "the callback was not redelivered");
      Thread.sleep(1_000);
      assertEquals(3, calls.get(), "a 2xx ends the deliveries");
      assertEquals(List.of("VALID", "VALID", "VALID"), verdicts);
      JsonNode n = new ObjectMapper().readTree(bodies.get(2));
      assertEquals(txn, n.get("providerTxnId").asText());
      assertEquals("7-ab", n.get("orderId").asText());
      assertEquals(1500, n.get("amountCents").asLong());
      assertEquals("SUCCEEDED", n.get("status").asText());
      assertEquals(new PaymentCallback(txn, "7-ab", 1500, true), PaymentCallback.parse(bodies.get(2)),
          "the API's own parser takes what the provider sends");
    } finally {
      server.stop(0);
    }
  }

  @Test
  void aZeroSuccessRateReportsFailure() throws Exception {
    CountDownLatch got = new CountDownLatch(1);
    List<byte[]> bodies = new CopyOnWriteArrayList<>();
    HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext("/cb", ex -> {
      bodies.add(ex.getRequestBody().readAllBytes());
      ex.sendResponseHeaders(200, -1);
      ex.close();
      got.countDown();
    });
    server.start();
    URI url = URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/cb");
    try (SimulatedProvider p = new SimulatedProvider(SIGNATURE, () -> url, 0.0, 0)) {
      p.start("7-ab", 1);
      assertTrue(got.await(20, TimeUnit.SECONDS));
      assertEquals("FAILED", new ObjectMapper().readTree(bodies.get(0)).get("status").asText());
    } finally {
      server.stop(0);
    }
  }
}
