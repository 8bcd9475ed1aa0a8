package io.seckill.stack;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.protobuf.Empty;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.seckill.dtm.proto.DtmGrpc;
import io.seckill.dtm.proto.DtmRequest;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** DTM answers through the generated dtmgimp stubs, and its HTTP query API reflects what gRPC did. */
class DtmStackIT {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static ManagedChannel channel;
  private static DtmGrpc.DtmBlockingStub dtm;
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(3)).build();

  @BeforeAll
  static void connect() {
    channel = ManagedChannelBuilder.forAddress(StackEnv.HOST, StackEnv.dtmGrpcPort()).usePlaintext().build();
    dtm = DtmGrpc.newBlockingStub(channel);
  }

  @AfterAll
  static void close() throws InterruptedException {
    channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
  }

  private DtmGrpc.DtmBlockingStub call() {
    return dtm.withDeadlineAfter(5, TimeUnit.SECONDS);
  }

  @Test
  void newGidAnswersDistinctIds() {
    String first = call().newGid(Empty.getDefaultInstance()).getGid();
    String second = call().newGid(Empty.getDefaultInstance()).getGid();
    assertFalse(first.isBlank(), "DTM returned an empty gid");
    assertNotEquals(first, second);
  }

  @Test
  void preparedThenAbortedEmptyTccEndsFailed() throws Exception {
    String gid = "stack-test-" + UUID.randomUUID();
    DtmRequest tcc = DtmRequest.newBuilder().setGid(gid).setTransType("tcc").build();

    call().prepare(tcc);
    assertEquals("prepared", queryStatus(gid), "status right after Prepare");

    call().abort(tcc.toBuilder().setRollbackReason("stack test abort").build());
    // Abort only records "aborting"; DTM runs the (here: zero) Cancels and finishes in the background.
    String status = queryStatus(gid);
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
    while (!"failed".equals(status) && System.nanoTime() < deadline) {
      Thread.sleep(200);
      status = queryStatus(gid);
    }
    assertEquals("failed", status, "status of " + gid + " after Abort");
  }

  @Test
  void queryOfUnknownGidShowsNoTransaction() throws Exception {
    JsonNode reply = query("stack-test-never-" + UUID.randomUUID());
    assertTrue(reply.path("transaction").isNull() || reply.path("transaction").isMissingNode(),
        "unexpected transaction in " + reply);
  }

  private String queryStatus(String gid) throws Exception {
    JsonNode reply = query(gid);
    JsonNode trans = reply.path("transaction");
    assertTrue(trans.isObject(), "no transaction for " + gid + " in " + reply);
    assertEquals(gid, trans.path("gid").asText());
    assertEquals("tcc", trans.path("trans_type").asText());
    return trans.path("status").asText();
  }

  private JsonNode query(String gid) throws Exception {
    URI uri = URI.create("http://" + StackEnv.HOST + ":" + StackEnv.dtmHttpPort() + "/api/dtmsvr/query?gid="
        + URLEncoder.encode(gid, StandardCharsets.UTF_8));
    HttpResponse<String> response = http.send(
        HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(5)).GET().build(),
        HttpResponse.BodyHandlers.ofString());
    assertEquals(200, response.statusCode(), response.body());
    return JSON.readTree(response.body());
  }
}
