package io.seckill.consumer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.Empty;
import io.grpc.BindableService;
import io.grpc.CallOptions;
import io.grpc.ClientInterceptors;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.ServerInterceptors;
import io.grpc.ServerServiceDefinition;
import io.grpc.Status;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.MetadataUtils;
import io.grpc.stub.ServerCalls;
import io.grpc.stub.StreamObserver;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import io.seckill.api.AdmissionTracing;
import io.seckill.api.KafkaOrderPublisher;
import io.seckill.auth.OrderSigning;
import io.seckill.dtm.DtmHeaders;
import io.seckill.dtm.RawBytes;
import io.seckill.dtm.client.DtmClient;
import io.seckill.dtm.client.DtmClientConfig;
import io.seckill.dtm.client.TransOptions;
import io.seckill.dtm.proto.DtmBranchRequest;
import io.seckill.dtm.proto.DtmGrpc;
import io.seckill.dtm.proto.DtmRequest;
import io.seckill.dtm.tcc.Backoff;
import io.seckill.dtm.tcc.Checkpoint;
import io.seckill.dtm.tcc.GrpcDtm;
import io.seckill.dtm.tcc.Retries;
import io.seckill.dtm.tcc.TccOutcome;
import io.seckill.dtm.tcc.TccRunner;
import io.seckill.proto.OrderMessage;
import io.seckill.proto.codec.OrderCodec;
import io.seckill.proto.product.StockRequest;
import io.seckill.runtime.BranchServer;
import io.seckill.runtime.ServiceConfig;
import io.seckill.runtime.tracing.Tracing;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.MockConsumer;
import org.apache.kafka.clients.consumer.internals.AutoOffsetResetStrategy;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.record.TimestampType;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * One trace per order across the parts, each hop through its real propagation code and nothing
 * running: the API's admission span and Kafka publish (a MockProducer's real ProducerRecord), the
 * consumer's poll loop over a MockConsumer fed a ConsumerRecord with those headers, its TCC run
 * through dtm-grpc's client on channels with the tracing interceptor, four in-process
 * {@link BranchServer}s with their server interceptor, and a stand-in DTM that calls Confirm and
 * Cancel the way DTM v1.19.0 does: plain gRPC, {@code dtm-*} metadata plus the transaction's branch
 * headers (those of the Submit request on the first round, those stored at Prepare on a retry and on
 * Abort). Every part has an SDK of its own (its own service.name), all exporting to one memory.
 */
class OrderTraceTest {
  private static final String TOPIC = "seckill.orders";
  private static final OrderSigning RING = OrderSigning.parse("k1 " + "A".repeat(43), "test keyring");
  private static final String DTM = "dtm:36790";
  private static final Map<String, String> BRANCHES = Map.of(
      "order:9001", "order-rpc", "product:9002", "product-rpc", "coupon:9003", "coupon-rpc", "pay:9004", "pay-rpc");
  private static final MethodDescriptor.Marshaller<byte[]> BYTES = RawBytes.MARSHALLER;
  private static final Metadata.Key<String> TRACEPARENT = Metadata.Key.of("traceparent", Metadata.ASCII_STRING_MARSHALLER);

  /** What a server received: the method, DTM's op and gid, the traceparent, and the span current in the handler. */
  record Received(String part, String method, String op, String gid, String traceparent, int traceparents,
      SpanContext current) { }

  private final InMemorySpanExporter exported = InMemorySpanExporter.create();
  private final List<SdkTracerProvider> providers = new ArrayList<>();
  private final List<Received> received = new CopyOnWriteArrayList<>();
  /** Order ids whose product Try answers ABORTED (sold out). */
  private final Set<String> soldOutFor = ConcurrentHashMap.newKeySet();
  private final StandInDtm dtm = new StandInDtm();
  private final List<BranchServer> branchServers = new ArrayList<>();
  private final List<AutoCloseable> closers = new ArrayList<>();
  private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
  private final MockConsumer<byte[], byte[]> kafka = new MockConsumer<>(AutoOffsetResetStrategy.EARLIEST.name());
  private final Map<String, TccOutcome.Kind> outcomes = new ConcurrentHashMap<>();
  private OrderConsumer loop;
  private Thread loopThread;
  private long nextOffset;

  @AfterEach
  void stop() throws Exception {
    if (loop != null) {
      loop.stop();
      loopThread.join(10_000);
    }
    Collections.reverse(closers);
    for (AutoCloseable c : closers) {
      c.close();
    }
    branchServers.forEach(BranchServer::stop);
    timer.shutdownNow();
    providers.forEach(SdkTracerProvider::close);
  }

  // ------------------------------------------------------------------------------------ the tests

  @Test
  void eachOrderIsOneTraceFromTheAdmissionToDtmsConfirmsAndCancels() throws Exception {
    Tracing api = part("seckill-api");
    start(part("seckill-consumer"), true);
    soldOutFor.add("o-refused");

    ProducerRecord<byte[], byte[]> confirmed = publish(api, order("o-confirmed", 0));
    ProducerRecord<byte[], byte[]> refused = publish(api, order("o-refused", 7));
    consume(confirmed);
    consume(refused);
    await(() -> outcomes.size() == 2, "both orders reach an outcome");
    assertEquals(TccOutcome.Kind.CONFIRMED, outcomes.get("o-confirmed"));
    assertEquals(TccOutcome.Kind.REFUSED, outcomes.get("o-refused"));
    // The server spans end as the calls close; DTM's retried Confirms come last.
    await(() -> spans("seckill.order.OrderService/Confirm", SpanKind.SERVER).size() == 2
        && spans("seckill.order.OrderService/Cancel", SpanKind.SERVER).size() == 1, "the last server spans end");

    Trace a = trace("o-confirmed", confirmed);
    Trace b = trace("o-refused", refused);
    assertNotEquals(a.id, b.id, "two orders, two traces");
    Set<String> traceIds = exported.getFinishedSpanItems().stream().map(SpanData::getTraceId).collect(Collectors.toSet());
    assertEquals(Set.of(a.id, b.id), traceIds, "no span outside the two orders' traces");

    // Order A: three branches, all tried, then Submit; DTM's first Confirm round plus one retry.
    assertEquals(List.of("order", "pay", "product"), a.triedServices());
    a.dtmCalls("Prepare", 1);
    a.dtmCalls("RegisterBranch", 3);
    a.dtmCalls("Submit", 1);
    a.dtmCalls("Abort", 0);
    for (String service : List.of("order", "product", "pay")) {
      List<SpanData> confirms = a.serverSpans("seckill." + service + ".", "Confirm");
      assertEquals(2, confirms.size(), service + ": the first Confirm and the retried one");
      for (SpanData c : confirms) {
        // DTM makes no span: its call is a child of the consumer's order span, through the branch headers.
        assertEquals(a.consumer.getSpanId(), c.getParentSpanId(), service + " Confirm's parent");
        assertEquals("confirm", c.getAttributes().get(AttributeKey.stringKey("dtm.op")));
        assertEquals("seckill-o-confirmed", c.getAttributes().get(AttributeKey.stringKey("dtm.gid")));
      }
      assertEquals(0, a.serverSpans("seckill." + service + ".", "Cancel").size());
    }

    // Order B: four branches (a coupon), product refuses, Abort; DTM cancels from the stored options.
    assertEquals(List.of("coupon", "order", "pay", "product"), b.triedServices());
    b.dtmCalls("Submit", 0);
    b.dtmCalls("Abort", 1);
    for (String service : List.of("order", "product", "coupon", "pay")) {
      List<SpanData> cancels = b.serverSpans("seckill." + service + ".", "Cancel");
      assertEquals(1, cancels.size(), service + " Cancel");
      assertEquals(b.consumer.getSpanId(), cancels.get(0).getParentSpanId(), service + " Cancel's parent");
      assertEquals(0, b.serverSpans("seckill." + service + ".", "Confirm").size());
    }

    // The transaction options the consumer built carry the order span's context, as DTM stores them.
    for (Trace t : List.of(a, b)) {
      String stored = dtm.storedHeaders.get(t.gid).get("traceparent");
      assertTrue(carries(stored, t.id, t.consumer.getSpanId()), t.gid + " branch headers: " + stored);
    }
    // Each branch handler ran with its server span current (so its own work would join the trace),
    // and no call carried two trace contexts (a Try gets the order's branch headers too).
    for (Received r : received) {
      assertTrue(r.traceparents() <= 1, r + " carries " + r.traceparents() + " traceparents");
      if (!r.part().equals("dtm")) {
        SpanData server = exported.getFinishedSpanItems().stream()
            .filter(s -> s.getKind() == SpanKind.SERVER && s.getSpanId().equals(r.current().getSpanId()))
            .findFirst().orElse(null);
        assertNotNull(server, r + ": no server span current in the handler");
        assertEquals(r.method(), server.getName());
      }
    }
  }

  @Test
  void withTracingOffNothingIsInjectedAndNothingRecorded() throws Exception {
    // The shipped settings (no environment): off, and off means the no-op, not an idle SDK.
    Tracing api = io.seckill.api.ApiConfig.of(shipped("seckill-api.properties"), Map.of()).tracing();
    Tracing consumer = ConsumerSettings.of(shipped("consumer.properties"), Map.of()).tracing();
    for (Tracing t : List.of(api, consumer)) {
      assertFalse(t.enabled());
      assertTrue(t.openTelemetry() == io.opentelemetry.api.OpenTelemetry.noop(), "no SDK when off");
    }
    start(consumer, false);

    ProducerRecord<byte[], byte[]> record = publish(api, order("o-dark", 0));
    for (Header h : record.headers()) {
      assertFalse(h.key().equals("traceparent") || h.key().equals("tracestate"), "header " + h.key());
    }
    assertEquals(2, record.headers().toArray().length, "only the signature headers");
    consume(record);
    await(() -> outcomes.size() == 1, "the order reaches an outcome");
    assertEquals(TccOutcome.Kind.CONFIRMED, outcomes.get("o-dark"));
    await(() -> received.stream().filter(r -> "confirm".equals(r.op())).count() == 6, "DTM's Confirms arrive");

    assertEquals(Map.of(), dtm.storedHeaders.get("seckill-o-dark"), "no branch headers in the transaction options");
    for (Received r : received) {
      assertEquals(null, r.traceparent(), r + ": no trace context on the wire");
      assertFalse(r.current().isValid(), r + ": no span current");
    }
    assertTrue(received.size() >= 3 + 3 + 6, "the calls happened: " + received.size());
    assertEquals(List.of(), exported.getFinishedSpanItems());
  }

  // ------------------------------------------------------------------------------------ the parts

  private static Properties shipped(String resource) throws IOException {
    Properties p = new Properties();
    try (InputStream in = OrderTraceTest.class.getClassLoader().getResourceAsStream(resource)) {
      p.load(in);
    }
    return p;
  }

  /** An SDK for one part, exporting synchronously into the shared memory. */
  private Tracing part(String serviceName) {
    SdkTracerProvider provider = SdkTracerProvider.builder()
        .setResource(Resource.create(Attributes.of(AttributeKey.stringKey("service.name"), serviceName)))
        .addSpanProcessor(SimpleSpanProcessor.create(exported))
        .build();
    providers.add(provider);
    return Tracing.using(OpenTelemetrySdk.builder().setTracerProvider(provider).build());
  }

  private static OrderMessage order(String orderId, long couponId) {
    return OrderMessage.newBuilder().setOrderId(orderId).setUserId(42).setProductId(7).setQuantity(1)
        .setCouponId(couponId).setAmountCents(990).setRequestedAt("2026-01-01T00:00:00Z").build();
  }

  /** The API side: the admission span, and inside it the real publisher onto a MockProducer. */
  private ProducerRecord<byte[], byte[]> publish(Tracing api, OrderMessage order) throws Exception {
    MockProducer<byte[], byte[]> producer = new MockProducer<>(true, null, new ByteArraySerializer(), new ByteArraySerializer());
    KafkaOrderPublisher publisher = new KafkaOrderPublisher(producer, TOPIC, RING, api);
    AdmissionTracing admission = new AdmissionTracing(api);
    Context ctx = admission.start(order.getUserId(), order.getProductId(), order.getQuantity());
    try (Scope s = ctx.makeCurrent()) {
      publisher.publish(order).get(5, TimeUnit.SECONDS);
    }
    admission.end(ctx, null, null);
    assertEquals(1, producer.history().size());
    return producer.history().get(0);
  }

  /** The record as the consumer polls it: same key, value and headers. */
  private void consume(ProducerRecord<byte[], byte[]> sent) {
    long offset = nextOffset++;
    ConsumerRecord<byte[], byte[]> r = new ConsumerRecord<>(TOPIC, 0, offset, System.currentTimeMillis(),
        TimestampType.CREATE_TIME, -1, -1, sent.key(), sent.value(), new RecordHeaders(sent.headers().toArray()),
        Optional.empty());
    kafka.schedulePollTask(() -> kafka.addRecord(r));
  }

  /** The consumer as ConsumerMain wires it, on in-process channels; DTM and four branch servers. */
  private void start(Tracing consumer, boolean branchTracing) throws IOException {
    startDtm();
    for (Map.Entry<String, String> b : BRANCHES.entrySet()) {
      startBranch(b.getKey(), b.getValue(), branchTracing ? part(b.getValue()) : Tracing.off());
    }
    DtmClient client = new DtmClient(new DtmClientConfig(DTM, URI.create("http://127.0.0.1:9"), Duration.ofSeconds(5)),
        target -> {
          InProcessChannelBuilder b = InProcessChannelBuilder.forName(target).directExecutor();
          if (consumer.enabled()) {
            b.intercept(consumer.clientInterceptor());
          }
          return b.build();
        });
    closers.add(client);
    TransOptions options = TransOptions.defaults().withTimeoutToFail(Duration.ofSeconds(60))
        .withRequestTimeout(Duration.ofSeconds(3));
    Retries retries = new Retries(timer, Backoff.doubling(1, 5), () -> false, (s, t) -> { });
    OrderLedger ledger = (order, reason) -> CompletableFuture.completedFuture(true);
    SubmitCheck rowConfirmed = orderId -> CompletableFuture.completedFuture(true);
    GrpcDtm steps = new GrpcDtm(client, options);
    OrderTransactions transactions = new TccOrderTransactions(
        new TccRunner(steps, retries, Duration.ofMillis(5_000), Duration.ofMillis(5), Checkpoint.NONE), steps, ledger,
        new BranchPlan("order:9001", "product:9002", "coupon:9003", "pay:9004"), rowConfirmed);
    OrderTransactions recording = order -> transactions.run(order).thenApply(o -> {
      outcomes.put(order.getOrderId(), o.kind());
      return o;
    });
    DeadLetters dlq = (record, poison) -> {
      throw new AssertionError("dead letter: " + poison.reason() + " " + poison.detail());
    };
    loop = new OrderConsumer(new OrderConsumer.Settings(TOPIC, 16, Duration.ofMillis(5), Duration.ofMillis(1),
        Duration.ofSeconds(2), Duration.ofSeconds(2)), kafka, new OrderCodec(8192, 10), new SignatureCheck(RING, true),
        recording, dlq, retries, new Metrics(100), new ConsumerTracing(consumer));
    TopicPartition p0 = new TopicPartition(TOPIC, 0);
    kafka.schedulePollTask(() -> {
      kafka.rebalance(List.of(p0));
      kafka.updateBeginningOffsets(Map.of(p0, 0L));
      kafka.updateEndOffsets(Map.of(p0, 0L));
    });
    loopThread = new Thread(loop, "loop");
    loopThread.start();
  }

  private void startBranch(String target, String part, Tracing tracing) throws IOException {
    String name = part.substring(0, part.indexOf('-'));
    String service = "seckill." + name + "." + Character.toUpperCase(name.charAt(0)) + name.substring(1) + "Service";
    Properties p = new Properties();
    p.setProperty(ServiceConfig.GRPC_MAX_INBOUND_BYTES.name(), "65536");
    p.setProperty(ServiceConfig.GRPC_SHUTDOWN_GRACE_SECONDS.name(), "0");
    // Not directExecutor: handlers run on the server's own threads, never inside the caller's context.
    branchServers.add(BranchServer.start(InProcessServerBuilder.forName(target), ServiceConfig.of(p, "TEST", Map.of()),
        () -> { }, List.of(branchService(part, service)), tracing));
  }

  /** Try/Confirm/Cancel that answer OK, except a product Try of a sold-out order (ABORTED). */
  private BindableService branchService(String part, String service) {
    return () -> {
      ServerServiceDefinition.Builder def = ServerServiceDefinition.builder(service);
      for (String op : List.of("Try", "Confirm", "Cancel")) {
        def.addMethod(raw(service + "/" + op), ServerCalls.asyncUnaryCall((byte[] req, StreamObserver<byte[]> out) -> {
          if (op.equals("Try") && service.equals(BranchPlan.PRODUCT) && soldOutFor.contains(stockOrderId(req))) {
            out.onError(Status.ABORTED.withDescription("SOLD_OUT").asRuntimeException());
            return;
          }
          out.onNext(new byte[0]);
          out.onCompleted();
        }));
      }
      return ServerInterceptors.intercept(def.build(), recorder(part));
    };
  }

  private static int count(Iterable<String> values) {
    int n = 0;
    if (values != null) {
      for (String v : values) {
        n++;
      }
    }
    return n;
  }

  private static String stockOrderId(byte[] req) {
    try {
      return StockRequest.parseFrom(req).getOrderId();
    } catch (com.google.protobuf.InvalidProtocolBufferException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Records each call as the handler sees it (innermost: after the tracing and DTM interceptors). */
  private ServerInterceptor recorder(String part) {
    return new ServerInterceptor() {
      @Override
      public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
        received.add(new Received(part, call.getMethodDescriptor().getFullMethodName(), headers.get(DtmHeaders.OP),
            headers.get(DtmHeaders.GID), headers.get(TRACEPARENT), count(headers.getAll(TRACEPARENT)),
            Span.current().getSpanContext()));
        return next.startCall(call, headers);
      }
    };
  }

  private void startDtm() throws IOException {
    io.grpc.Server server = InProcessServerBuilder.forName(DTM)
        .addService(ServerInterceptors.intercept(dtm, recorder("dtm"))).build().start();
    closers.add(() -> server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS));
    closers.add(dtm::close);
  }

  private static MethodDescriptor<byte[], byte[]> raw(String fullName) {
    return MethodDescriptor.<byte[], byte[]>newBuilder().setType(MethodDescriptor.MethodType.UNARY)
        .setFullMethodName(fullName).setRequestMarshaller(BYTES).setResponseMarshaller(BYTES).build();
  }

  /**
   * DTM v1.19.0's TCC behaviour as far as tracing sees it (dtmsvr/api.go, trans_status.go): Prepare
   * stores the options, branch headers included, with the transaction; the Confirm round right after
   * Submit uses the Submit request's options, a later round (the cron's retry) and the Cancels after
   * an Abort use the stored ones; every branch call is plain gRPC (no interceptor, no span) with the
   * {@code dtm-*} metadata and each branch header as a metadata entry. Confirms run before Submit's
   * reply here (DTM replies first and confirms in the background): the order of the two does not
   * matter to the trace.
   */
  private static final class StandInDtm extends DtmGrpc.DtmImplBase implements AutoCloseable {
    final Map<String, Map<String, String>> storedHeaders = new ConcurrentHashMap<>();
    final Map<String, List<DtmBranchRequest>> branches = new ConcurrentHashMap<>();
    final Map<String, ManagedChannel> channels = new ConcurrentHashMap<>();

    @Override
    public void prepare(DtmRequest req, StreamObserver<Empty> out) {
      storedHeaders.putIfAbsent(req.getGid(), Map.copyOf(req.getTransOptions().getBranchHeadersMap()));
      ok(out);
    }

    @Override
    public void registerBranch(DtmBranchRequest req, StreamObserver<Empty> out) {
      branches.computeIfAbsent(req.getGid(), g -> new CopyOnWriteArrayList<>()).add(req);
      ok(out);
    }

    @Override
    public void submit(DtmRequest req, StreamObserver<Empty> out) {
      secondPhase(req.getGid(), "confirm", req.getTransOptions().getBranchHeadersMap());
      secondPhase(req.getGid(), "confirm", storedHeaders.get(req.getGid()));
      ok(out);
    }

    @Override
    public void abort(DtmRequest req, StreamObserver<Empty> out) {
      secondPhase(req.getGid(), "cancel", storedHeaders.get(req.getGid()));
      ok(out);
    }

    private void secondPhase(String gid, String op, Map<String, String> branchHeaders) {
      List<DtmBranchRequest> list = new ArrayList<>(branches.getOrDefault(gid, List.of()));
      Collections.reverse(list);
      for (DtmBranchRequest b : list) {
        String url = b.getDataMap().get(op);
        int slash = url.indexOf('/');
        Metadata md = new Metadata();
        md.put(DtmHeaders.GID, gid);
        md.put(DtmHeaders.TRANS_TYPE, DtmHeaders.TCC);
        md.put(DtmHeaders.BRANCH_ID, b.getBranchID());
        md.put(DtmHeaders.OP, op);
        md.put(DtmHeaders.DTM, "");
        branchHeaders.forEach((k, v) -> md.put(Metadata.Key.of(k, Metadata.ASCII_STRING_MARSHALLER), v));
        ManagedChannel ch = channels.computeIfAbsent(url.substring(0, slash),
            t -> InProcessChannelBuilder.forName(t).build());
        ClientCalls.blockingUnaryCall(ClientInterceptors.intercept(ch, MetadataUtils.newAttachHeadersInterceptor(md)),
            raw(url.substring(slash + 1)), CallOptions.DEFAULT.withDeadlineAfter(5, TimeUnit.SECONDS),
            b.getBusiPayload().toByteArray());
      }
    }

    private static void ok(StreamObserver<Empty> out) {
      out.onNext(Empty.getDefaultInstance());
      out.onCompleted();
    }

    @Override
    public void close() {
      channels.values().forEach(ManagedChannel::shutdownNow);
    }
  }

  // ------------------------------------------------------------------------------------ reading spans

  private List<SpanData> spans(String name, SpanKind kind) {
    return exported.getFinishedSpanItems().stream().filter(s -> s.getName().equals(name) && s.getKind() == kind).toList();
  }

  private static String service(SpanData s) {
    return s.getResource().getAttribute(AttributeKey.stringKey("service.name"));
  }

  /** One order's spans, checked link by link from the admission down to the consumer's span. */
  private Trace trace(String orderId, ProducerRecord<byte[], byte[]> record) {
    String gid = TccOrderTransactions.gid(orderId);
    SpanData publish = exported.getFinishedSpanItems().stream()
        .filter(s -> s.getKind() == SpanKind.PRODUCER
            && orderId.equals(s.getAttributes().get(AttributeKey.stringKey("seckill.order_id"))))
        .findFirst().orElseThrow(() -> new AssertionError("no publish span for " + orderId));
    String id = publish.getTraceId();
    List<SpanData> all = exported.getFinishedSpanItems().stream().filter(s -> s.getTraceId().equals(id)).toList();
    SpanData admission = one(all, s -> s.getKind() == SpanKind.SERVER && "seckill-api".equals(service(s)), "admission");
    assertFalse(admission.getParentSpanContext().isValid(), "the admission starts the trace");
    assertEquals(admission.getSpanId(), publish.getParentSpanId(), "publish is a child of the admission");
    assertEquals("seckill-api", service(publish));
    // The record carries the publish span's context: that is all the consumer gets.
    String traceparent = new String(record.headers().lastHeader("traceparent").value(), StandardCharsets.ISO_8859_1);
    assertTrue(carries(traceparent, id, publish.getSpanId()), "record header " + traceparent);
    SpanData consumer = one(all, s -> s.getKind() == SpanKind.CONSUMER, "consumer span");
    assertEquals("seckill-consumer", service(consumer));
    assertEquals(publish.getSpanId(), consumer.getParentSpanId(), "the consumer's span is a child of the publish");
    assertTrue(consumer.getParentSpanContext().isRemote(), "... a remote parent, read from the record");
    assertEquals(gid, consumer.getAttributes().get(AttributeKey.stringKey("dtm.gid")));
    return new Trace(id, gid, all, consumer);
  }

  private static SpanData one(List<SpanData> spans, java.util.function.Predicate<SpanData> p, String what) {
    List<SpanData> found = spans.stream().filter(p).toList();
    assertEquals(1, found.size(), what + ": " + found);
    return found.get(0);
  }

  /** One order's trace. */
  private final class Trace {
    final String id;
    final String gid;
    final List<SpanData> spans;
    final SpanData consumer;

    Trace(String id, String gid, List<SpanData> spans, SpanData consumer) {
      this.id = id;
      this.gid = gid;
      this.spans = spans;
      this.consumer = consumer;
    }

    /**
     * The services whose Try ran, sorted by name; each Try is a client span of the consumer's
     * span and a server span of the branch (its parent the client span, in the branch's part).
     */
    List<String> triedServices() {
      List<SpanData> clients = spans.stream()
          .filter(s -> s.getKind() == SpanKind.CLIENT && s.getName().endsWith("/Try")).toList();
      List<String> services = new ArrayList<>();
      for (SpanData c : clients) {
        assertEquals(consumer.getSpanId(), c.getParentSpanId(), c.getName() + " client's parent");
        assertEquals("seckill-consumer", service(c));
        SpanData server = one(spans, s -> s.getKind() == SpanKind.SERVER && c.getSpanId().equals(s.getParentSpanId()),
            "server span of " + c.getName());
        assertEquals(c.getName(), server.getName());
        assertEquals("try", server.getAttributes().get(AttributeKey.stringKey("dtm.op")));
        String part = service(server);
        assertTrue(c.getName().startsWith("seckill." + part.substring(0, part.indexOf('-')) + "."), part + " serves " + c.getName());
        services.add(part.substring(0, part.indexOf('-')));
      }
      // Only one traceparent reached each Try: the client span's (not also the order's branch header).
      for (Received r : received) {
        if ("try".equals(r.op()) && gid.equals(r.gid())) {
          SpanData client = clients.stream().filter(c -> carries(r.traceparent(), id, c.getSpanId()))
              .findFirst().orElse(null);
          assertNotNull(client, r + " carries a Try client span's context");
        }
      }
      return services.stream().sorted().toList();
    }

    /** {@code n} client spans of the consumer's calls to DTM's {@code method}, children of its span, seen by DTM. */
    void dtmCalls(String method, int n) {
      String name = "dtmgimp.Dtm/" + method;
      List<SpanData> calls = spans.stream().filter(s -> s.getKind() == SpanKind.CLIENT && s.getName().equals(name)).toList();
      assertEquals(n, calls.size(), gid + " " + name);
      for (SpanData c : calls) {
        assertEquals(consumer.getSpanId(), c.getParentSpanId(), name + "'s parent");
        boolean seen = received.stream().anyMatch(r -> r.part().equals("dtm") && r.method().equals(name)
            && carries(r.traceparent(), id, c.getSpanId()));
        assertTrue(seen, name + ": DTM received the call's trace context");
      }
    }

    /** Server spans of {@code op} in services whose name starts with {@code prefix}. */
    List<SpanData> serverSpans(String prefix, String op) {
      return spans.stream().filter(s -> s.getKind() == SpanKind.SERVER && s.getName().startsWith(prefix)
          && s.getName().endsWith("/" + op)).toList();
    }
  }

  /** True when {@code traceparent} names span {@code spanId} of trace {@code traceId}, sampled. */
  private static boolean carries(String traceparent, String traceId, String spanId) {
    if (traceparent == null || !traceparent.startsWith("00-" + traceId + "-" + spanId + "-")) {
      return false;
    }
    int flags = Integer.parseInt(traceparent.substring(traceparent.lastIndexOf('-') + 1), 16);
    return (flags & 1) == 1;
  }

  private static void await(BooleanSupplier condition, String what) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out waiting until " + what);
      }
      Thread.sleep(5);
    }
  }
}
