package io.seckill.dtm.tcc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.Empty;
import com.sun.net.httpserver.HttpServer;
import io.grpc.Server;
import io.grpc.ServerServiceDefinition;
import io.grpc.Status;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import io.grpc.stub.ServerCalls;
import io.grpc.stub.StreamObserver;
import io.grpc.MethodDescriptor;
import io.seckill.dtm.RawBytes;
import io.seckill.dtm.client.DtmClient;
import io.seckill.dtm.client.DtmClientConfig;
import io.seckill.dtm.client.GlobalStatus;
import io.seckill.dtm.client.TransOptions;
import io.seckill.dtm.proto.DtmBranchRequest;
import io.seckill.dtm.proto.DtmGrpc;
import io.seckill.dtm.proto.DtmRequest;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** How {@link GrpcDtm} sorts DTM's and the branches' answers into {@link TccFailure}s, over in-process gRPC. */
class GrpcDtmTest {
  private volatile Status dtmAnswer = Status.OK;
  private volatile Status tryAnswer = Status.OK;
  private volatile String queryBody = "{}";
  private Server dtmServer;
  private Server branchServer;
  private HttpServer http;
  private DtmClient client;
  private GrpcDtm dtm;
  private final Branch branch = Branch.of(1, "product", "branch:1", "p.S", new byte[] {7});

  @BeforeEach
  void start() throws Exception {
    dtmServer = InProcessServerBuilder.forName("dtm:1").directExecutor().addService(new DtmGrpc.DtmImplBase() {
      @Override
      public void prepare(DtmRequest request, StreamObserver<Empty> out) {
        answer(out);
      }

      @Override
      public void submit(DtmRequest request, StreamObserver<Empty> out) {
        answer(out);
      }

      @Override
      public void abort(DtmRequest request, StreamObserver<Empty> out) {
        answer(out);
      }

      @Override
      public void registerBranch(DtmBranchRequest request, StreamObserver<Empty> out) {
        answer(out);
      }
    }).build().start();
    MethodDescriptor<byte[], byte[]> tryMethod = MethodDescriptor.<byte[], byte[]>newBuilder()
        .setType(MethodDescriptor.MethodType.UNARY).setFullMethodName("p.S/Try")
        .setRequestMarshaller(RawBytes.MARSHALLER).setResponseMarshaller(RawBytes.MARSHALLER).build();
    branchServer = InProcessServerBuilder.forName("branch:1").directExecutor()
        .addService(ServerServiceDefinition.builder("p.S").addMethod(tryMethod,
            ServerCalls.asyncUnaryCall((byte[] req, StreamObserver<byte[]> out) -> {
              if (tryAnswer.isOk()) {
                out.onNext(new byte[0]);
                out.onCompleted();
              } else {
                out.onError(tryAnswer.asRuntimeException());
              }
            })).build()).build().start();
    http = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    http.createContext("/api/dtmsvr/query", ex -> {
      byte[] body = queryBody.getBytes(StandardCharsets.UTF_8);
      ex.sendResponseHeaders(200, body.length);
      ex.getResponseBody().write(body);
      ex.close();
    });
    http.start();
    client = new DtmClient(new DtmClientConfig("dtm:1", URI.create("http://127.0.0.1:" + http.getAddress().getPort()),
        Duration.ofSeconds(5)), target -> InProcessChannelBuilder.forName(target).directExecutor().build());
    dtm = new GrpcDtm(client, TransOptions.defaults());
  }

  @AfterEach
  void stop() {
    client.close();
    dtmServer.shutdownNow();
    branchServer.shutdownNow();
    http.stop(0);
  }

  private void answer(StreamObserver<Empty> out) {
    if (dtmAnswer.isOk()) {
      out.onNext(Empty.getDefaultInstance());
      out.onCompleted();
    } else {
      out.onError(dtmAnswer.asRuntimeException());
    }
  }

  private static Throwable failure(CompletionStage<?> stage) {
    ExecutionException e = assertThrows(ExecutionException.class, () -> stage.toCompletableFuture().get(5, TimeUnit.SECONDS));
    return Retries.cause(e);
  }

  @Test
  void dtmsAbortedIsAConflictAndEverythingElseTrouble() throws Exception {
    dtm.prepare("g1").toCompletableFuture().get(5, TimeUnit.SECONDS);
    dtmAnswer = Status.ABORTED.withDescription("current status 'submitted', cannot prepare");
    Throwable c = failure(dtm.prepare("g1"));
    assertInstanceOf(TccFailure.Conflict.class, c);
    assertTrue(c.getMessage().startsWith("prepare: ABORTED"), c.getMessage());
    assertInstanceOf(TccFailure.Conflict.class, failure(dtm.submit("g1")));
    dtmAnswer = Status.UNAVAILABLE.withDescription("io exception");
    assertInstanceOf(TccFailure.Trouble.class, failure(dtm.abort("g1", "why")));
    dtmAnswer = Status.DEADLINE_EXCEEDED;
    assertInstanceOf(TccFailure.Trouble.class, failure(dtm.submit("g1")));
  }

  @Test
  void aTrysStatusIsARefusalARejectionOrTrouble() throws Exception {
    dtm.tryBranch("g2", branch).toCompletableFuture().get(5, TimeUnit.SECONDS);
    tryAnswer = Status.ABORTED.withDescription("SOLD_OUT");
    Throwable r = failure(dtm.tryBranch("g2", branch));
    assertInstanceOf(TccFailure.Refusal.class, r);
    assertEquals("SOLD_OUT", r.getMessage());
    tryAnswer = Status.INVALID_ARGUMENT.withDescription("quantity must be positive");
    Throwable j = failure(dtm.tryBranch("g2", branch));
    assertInstanceOf(TccFailure.Rejection.class, j);
    assertEquals("INVALID_ARGUMENT: quantity must be positive", j.getMessage());
    tryAnswer = Status.UNAVAILABLE.withDescription("down");
    assertInstanceOf(TccFailure.Trouble.class, failure(dtm.tryBranch("g2", branch)));
  }

  @Test
  void aDuplicateRegistrationIsSuccessOnlyWhenDtmHoldsTheBranch() throws Exception {
    dtmAnswer = Status.UNKNOWN.withDescription("Duplicate entry 'g3-01-confirm'");
    queryBody = "{\"transaction\":{\"gid\":\"g3\",\"trans_type\":\"tcc\",\"status\":\"prepared\"},"
        + "\"branches\":[{\"branch_id\":\"01\",\"op\":\"confirm\",\"status\":\"prepared\",\"url\":\"branch:1/p.S/Confirm\"}]}";
    dtm.register("g3", branch).toCompletableFuture().get(5, TimeUnit.SECONDS);
    queryBody = "{\"transaction\":{\"gid\":\"g3\",\"trans_type\":\"tcc\",\"status\":\"prepared\"},\"branches\":[]}";
    assertInstanceOf(TccFailure.Trouble.class, failure(dtm.register("g3", branch)));
    dtmAnswer = Status.ABORTED.withDescription("no trans with gid g3 status prepared");
    assertInstanceOf(TccFailure.Conflict.class, failure(dtm.register("g3", branch)));
  }

  @Test
  void aQueryReadsDtmsStateAndAnUnknownGidIsNone() throws Exception {
    queryBody = "{\"transaction\":{\"gid\":\"g4\",\"trans_type\":\"tcc\",\"status\":\"aborting\",\"rollback_reason\":\"REFUSED product: SOLD_OUT\"},"
        + "\"branches\":[{\"branch_id\":\"01\",\"op\":\"cancel\",\"status\":\"prepared\",\"url\":\"branch:1/p.S/Cancel\"}]}";
    GlobalState s = dtm.query("g4").toCompletableFuture().get(5, TimeUnit.SECONDS);
    assertEquals(new GlobalState(GlobalStatus.ABORTING, java.util.Set.of("01"), "REFUSED product: SOLD_OUT"), s);
    queryBody = "{\"transaction\":null,\"branches\":[]}";
    assertEquals(GlobalState.none(), dtm.query("g5").toCompletableFuture().get(5, TimeUnit.SECONDS));
  }
}
