package io.seckill.dtm.branch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.CallOptions;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.ServerInterceptors;
import io.grpc.ServerServiceDefinition;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.MetadataUtils;
import io.grpc.stub.ServerCalls;
import io.seckill.dtm.DtmHeaders;
import io.seckill.dtm.BranchOp;
import io.seckill.dtm.RawBytes;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The interceptor over an in-process server with directExecutor: metadata in, INVALID_ARGUMENT out. */
class DtmServerInterceptorTest {
  private static final MethodDescriptor.Marshaller<byte[]> BYTES = RawBytes.MARSHALLER;

  private final AtomicReference<BranchContext> seen = new AtomicReference<>();
  private final AtomicReference<Throwable> toThrow = new AtomicReference<>();
  private ManagedChannel channel;
  private io.grpc.Server server;

  private static MethodDescriptor<byte[], byte[]> method(String name) {
    return method("test.Svc", name);
  }

  private static MethodDescriptor<byte[], byte[]> method(String service, String name) {
    return MethodDescriptor.<byte[], byte[]>newBuilder().setType(MethodDescriptor.MethodType.UNARY)
        .setFullMethodName(service + "/" + name).setRequestMarshaller(BYTES).setResponseMarshaller(BYTES).build();
  }

  @BeforeEach
  void start() throws IOException {
    ServerServiceDefinition.Builder svc = ServerServiceDefinition.builder("test.Svc");
    for (String name : new String[] {"Try", "Confirm", "Cancel", "GetStock"}) {
      svc.addMethod(method(name), ServerCalls.asyncUnaryCall((req, out) -> BranchStatus.respond(out, () -> {
        seen.set(BranchContext.KEY.get());
        Throwable t = toThrow.get();
        if (t instanceof Exception e) {
          throw e;
        }
        return "ok".getBytes(StandardCharsets.UTF_8);
      })));
    }
    ServerServiceDefinition.Builder saga = ServerServiceDefinition.builder("test.StockSaga");
    saga.addMethod(method("test.StockSaga", "Release"), ServerCalls.asyncUnaryCall((req, out) -> BranchStatus.respond(out, () -> {
      seen.set(BranchContext.KEY.get());
      Throwable t = toThrow.get();
      if (t instanceof Exception e) {
        throw e;
      }
      return "ok".getBytes(StandardCharsets.UTF_8);
    })));
    String name = InProcessServerBuilder.generateName();
    DtmServerInterceptor dtm = new DtmServerInterceptor();
    server = InProcessServerBuilder.forName(name).directExecutor()
        .addService(ServerInterceptors.intercept(svc.build(), dtm))
        .addService(ServerInterceptors.intercept(saga.build(), dtm)).build().start();
    channel = InProcessChannelBuilder.forName(name).directExecutor().build();
  }

  @AfterEach
  void stop() {
    channel.shutdownNow();
    server.shutdownNow();
  }

  private static Metadata headers(String gid, String type, String branch, String op, String dtm) {
    Metadata md = new Metadata();
    if (gid != null) {
      md.put(DtmHeaders.GID, gid);
    }
    if (type != null) {
      md.put(DtmHeaders.TRANS_TYPE, type);
    }
    if (branch != null) {
      md.put(DtmHeaders.BRANCH_ID, branch);
    }
    if (op != null) {
      md.put(DtmHeaders.OP, op);
    }
    if (dtm != null) {
      md.put(DtmHeaders.DTM, dtm);
    }
    return md;
  }


  private byte[] callWith(String method, Metadata md) {
    int slash = method.indexOf('/');
    MethodDescriptor<byte[], byte[]> m = slash < 0 ? method(method) : method(method.substring(0, slash), method.substring(slash + 1));
    io.grpc.Channel ch = io.grpc.ClientInterceptors.intercept(channel, MetadataUtils.newAttachHeadersInterceptor(md));
    return ClientCalls.blockingUnaryCall(ch, m, CallOptions.DEFAULT, new byte[0]);
  }

  private Status failure(String method, Metadata md) {
    StatusRuntimeException e = assertThrows(StatusRuntimeException.class, () -> callWith(method, md));
    return e.getStatus();
  }

  @Test
  void tccCallGetsItsContext() {
    callWith("Confirm", headers("g-1", "tcc", "02", "confirm", ""));
    assertEquals(new BranchContext("g-1", "tcc", "02", BranchOp.CONFIRM, ""), seen.get());
    callWith("Try", headers("g-2", "tcc", "01", "try", "127.0.0.1:36790"));
    assertEquals("127.0.0.1:36790", seen.get().dtm());
    assertEquals(BranchOp.TRY, seen.get().op());
  }

  @Test
  void dtmAddressMayBeAbsentBecauseDtmSendsItEmpty() {
    callWith("Cancel", headers("g-3", "tcc", "01", "cancel", null));
    assertEquals("", seen.get().dtm());
  }

  @Test
  void eachMissingKeyIsNamed() {
    Status s = failure("Try", headers(null, "tcc", "01", "try", ""));
    assertEquals(Status.Code.INVALID_ARGUMENT, s.getCode());
    assertTrue(s.getDescription().contains("dtm-gid"), s.getDescription());
    assertTrue(failure("Try", headers("g", null, "01", "try", "")).getDescription().contains("dtm-trans_type"));
    assertTrue(failure("Try", headers("g", "tcc", null, "try", "")).getDescription().contains("dtm-branch_id"));
    assertTrue(failure("Try", headers("g", "tcc", "01", null, "")).getDescription().contains("dtm-op"));
    assertTrue(failure("Try", headers("g", "tcc", " ", "try", "")).getDescription().contains("blank metadata dtm-branch_id"));
    assertEquals(null, seen.get(), "the handler must not run");
  }

  @Test
  void invalidValuesAreRejected() {
    Status badOp = failure("Try", headers("g", "tcc", "01", "commit", ""));
    assertEquals(Status.Code.INVALID_ARGUMENT, badOp.getCode());
    assertTrue(badOp.getDescription().contains("dtm-op"));
    Status saga = failure("Try", headers("g", "saga", "01", "try", ""));
    assertTrue(saga.getDescription().contains("dtm-trans_type"));
    Status mismatch = failure("Try", headers("g", "tcc", "01", "cancel", ""));
    assertTrue(mismatch.getDescription().contains("does not match method Try"), mismatch.getDescription());
    Status tooLong = failure("Confirm", headers("g".repeat(129), "tcc", "01", "confirm", ""));
    assertTrue(tooLong.getDescription().contains("dtm-gid"));
  }

  @Test
  void otherMethodsPassThroughWithoutContext() {
    byte[] reply = callWith("GetStock", new Metadata());
    assertEquals("ok", new String(reply, StandardCharsets.UTF_8));
    assertEquals(null, seen.get());
  }

  @Test
  void refusalOnTryIsAbortedWithTheReason() {
    toThrow.set(new BusinessRefusal("SOLD_OUT", "product 7 is sold out"));
    Status s = failure("Try", headers("g", "tcc", "01", "try", ""));
    assertEquals(Status.Code.ABORTED, s.getCode());
    assertEquals("SOLD_OUT", s.getDescription());
    Status onCancel = failure("Cancel", headers("g", "tcc", "01", "cancel", ""));
    assertEquals(Status.Code.INTERNAL, onCancel.getCode(), "a Cancel must never report a business failure");
  }

  @Test
  void everyMethodOfASagaServiceIsASagaBranch() {
    callWith("test.StockSaga/Release", headers("expire-1", "saga", "03", "action", ""));
    assertEquals(new BranchContext("expire-1", "saga", "03", BranchOp.ACTION, ""), seen.get());
    seen.set(null);
    Status none = failure("test.StockSaga/Release", new Metadata());
    assertEquals(Status.Code.INVALID_ARGUMENT, none.getCode());
    assertTrue(none.getDescription().contains("dtm-gid"), none.getDescription());
    Status tccOp = failure("test.StockSaga/Release", headers("g", "tcc", "01", "try", ""));
    assertEquals(Status.Code.INVALID_ARGUMENT, tccOp.getCode());
    assertTrue(tccOp.getDescription().contains("not a saga op"), tccOp.getDescription());
    Status sagaOpOnTcc = failure("Try", headers("g", "saga", "01", "action", ""));
    assertEquals(Status.Code.INVALID_ARGUMENT, sagaOpOnTcc.getCode());
    assertEquals(null, seen.get(), "the handler must not run");
  }

  @Test
  void refusalOnAnActionIsAbortedAndOnACompensateIsRetried() {
    toThrow.set(new BusinessRefusal("PAYMENT_PAID", "order 7 is paid"));
    Status action = failure("test.StockSaga/Release", headers("g", "saga", "01", "action", ""));
    assertEquals(Status.Code.ABORTED, action.getCode());
    assertEquals("PAYMENT_PAID", action.getDescription());
    Status compensate = failure("test.StockSaga/Release", headers("g", "saga", "01", "compensate", ""));
    assertEquals(Status.Code.INTERNAL, compensate.getCode());
  }

  @Test
  void currentFailsOutsideABranchCall() {
    assertThrows(IllegalStateException.class, BranchContext::current);
  }

  @Test
  void customPredicateSelectsMethods() throws IOException {
    DtmServerInterceptor only = new DtmServerInterceptor(m -> m.getBareMethodName().equals("GetStock"));
    ServerServiceDefinition svc = ServerServiceDefinition.builder("test.Svc")
        .addMethod(method("GetStock"), ServerCalls.asyncUnaryCall((req, out) -> {
          out.onNext(new byte[0]);
          out.onCompleted();
        })).build();
    String name = InProcessServerBuilder.generateName();
    io.grpc.Server s = InProcessServerBuilder.forName(name).directExecutor()
        .addService(ServerInterceptors.intercept(svc, only)).build().start();
    ManagedChannel ch = InProcessChannelBuilder.forName(name).directExecutor().build();
    try {
      StatusRuntimeException e = assertThrows(StatusRuntimeException.class,
          () -> ClientCalls.blockingUnaryCall(ch, method("GetStock"), CallOptions.DEFAULT, new byte[0]));
      assertEquals(Status.Code.INVALID_ARGUMENT, e.getStatus().getCode());
    } finally {
      ch.shutdownNow();
      s.shutdownNow();
    }
  }
}
