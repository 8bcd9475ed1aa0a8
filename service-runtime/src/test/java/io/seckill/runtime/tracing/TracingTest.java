package io.seckill.runtime.tracing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.CallOptions;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.Server;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.ServerInterceptors;
import io.grpc.ServerServiceDefinition;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.ServerCalls;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import io.seckill.dtm.RawBytes;
import io.seckill.runtime.ConfigException;
import io.seckill.runtime.settings.Settings;
import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The two settings, and what the interceptors do with calls that belong to no trace. */
class TracingTest {

  private static Settings config(String endpoint, String ratio, Map<String, String> env) {
    Properties p = new Properties();
    if (endpoint != null) {
      p.setProperty(Tracing.OTLP_ENDPOINT.name(), endpoint);
    }
    if (ratio != null) {
      p.setProperty(Tracing.SAMPLE_RATIO.name(), ratio);
    }
    return Settings.of(p, "SECKILL_PRODUCT", env);
  }

  @Test
  void anEmptyEndpointIsOffWithoutAnSdk() {
    Tracing t = Tracing.fromConfig(config("", "1.0", Map.of()), "product-rpc");
    assertSame(Tracing.off(), t);
    assertFalse(t.enabled());
    assertSame(OpenTelemetry.noop(), t.openTelemetry());
    Metadata md = new Metadata();
    t.inject(Context.current(), md, (m, k, v) -> m.put(Metadata.Key.of(k, Metadata.ASCII_STRING_MARSHALLER), v));
    assertEquals(0, md.keys().size());
  }

  @Test
  void theEndpointIsAnHttpUrlAndABaseAddressGetsTheTracesPath() {
    assertEquals(URI.create("http://otel:4318/v1/traces"),
        Tracing.settings(config("http://otel:4318", "0.5", Map.of())).endpoint().orElseThrow());
    assertEquals(URI.create("https://otel:4318/custom/traces"),
        Tracing.settings(config("https://otel:4318/custom/traces", "1", Map.of())).endpoint().orElseThrow());
    assertEquals(0.25, Tracing.settings(config("", "1", Map.of("SECKILL_TRACING_SAMPLE_RATIO", "0.25"))).sampleRatio());
    // The shared env variable turns a part on without touching its file.
    Tracing on = Tracing.fromConfig(config("", "1.0", Map.of("SECKILL_TRACING_OTLP_ENDPOINT", "http://127.0.0.1:4318")),
        "product-rpc");
    try {
      assertTrue(on.enabled());
      assertFalse(on.openTelemetry() == OpenTelemetry.noop());
    } finally {
      on.close();
    }
  }

  @Test
  void aMissingOrMalformedSettingFailsNamingItsKey() {
    for (String bad : new String[] {"127.0.0.1:4318", "ftp://otel/v1/traces", "http://", "http://otel:4318/v1/traces?x=1",
        "http://bad host/"}) {
      ConfigException e = assertThrows(ConfigException.class,
          () -> Tracing.fromConfig(config(bad, "1.0", Map.of()), "product-rpc"), bad);
      assertTrue(e.getMessage().contains("'" + Tracing.OTLP_ENDPOINT + "'"), e.getMessage());
      assertTrue(e.getMessage().contains("SECKILL_PRODUCT_TRACING_OTLP_ENDPOINT"), e.getMessage());
    }
    for (String bad : new String[] {"1.5", "-0.1", "all", "NaN"}) {
      ConfigException e = assertThrows(ConfigException.class, () -> Tracing.settings(config("", bad, Map.of())), bad);
      assertTrue(e.getMessage().contains("'" + Tracing.SAMPLE_RATIO + "'"), e.getMessage());
    }
    ConfigException noEndpoint = assertThrows(ConfigException.class, () -> Tracing.settings(config(null, "1.0", Map.of())));
    assertTrue(noEndpoint.getMessage().contains("missing setting '" + Tracing.OTLP_ENDPOINT + "'"), noEndpoint.getMessage());
    ConfigException noRatio = assertThrows(ConfigException.class, () -> Tracing.settings(config("", null, Map.of())));
    assertTrue(noRatio.getMessage().contains("missing setting '" + Tracing.SAMPLE_RATIO + "'"), noRatio.getMessage());
  }

  @Test
  void callsOutsideATraceCarryNothingAndMakeNoSpan() throws Exception {
    InMemorySpanExporter exported = InMemorySpanExporter.create();
    try (SdkTracerProvider provider = SdkTracerProvider.builder().addSpanProcessor(SimpleSpanProcessor.create(exported)).build()) {
      Tracing tracing = Tracing.using(OpenTelemetrySdk.builder().setTracerProvider(provider).build());
      List<String> seen = new CopyOnWriteArrayList<>();
      Metadata.Key<String> tp = Metadata.Key.of("traceparent", Metadata.ASCII_STRING_MARSHALLER);
      ServerInterceptor record = new ServerInterceptor() {
        @Override
        public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
          seen.add(headers.get(tp) + " " + Span.current().getSpanContext().isValid());
          return next.startCall(call, headers);
        }
      };
      MethodDescriptor<byte[], byte[]> method = MethodDescriptor.<byte[], byte[]>newBuilder()
          .setType(MethodDescriptor.MethodType.UNARY).setFullMethodName("t.S/Call")
          .setRequestMarshaller(BYTES).setResponseMarshaller(BYTES).build();
      ServerServiceDefinition def = ServerServiceDefinition.builder("t.S")
          .addMethod(method, ServerCalls.asyncUnaryCall((byte[] req, io.grpc.stub.StreamObserver<byte[]> out) -> {
            out.onNext(req);
            out.onCompleted();
          })).build();
      String name = "tracing-test-" + System.nanoTime();
      Server server = InProcessServerBuilder.forName(name)
          .addService(ServerInterceptors.intercept(def, record, tracing.serverInterceptor())).build().start();
      ManagedChannel ch = InProcessChannelBuilder.forName(name).intercept(tracing.clientInterceptor()).build();
      try {
        // No current span: a batched status read, a health check.
        ClientCalls.blockingUnaryCall(ch, method, CallOptions.DEFAULT, new byte[] {1});
        assertEquals(List.of("null false"), seen);
        assertEquals(List.of(), exported.getFinishedSpanItems());
        // Inside a span: one client and one server span, the server's current in the handler.
        Span parent = tracing.tracer().spanBuilder("order").startSpan();
        try (Scope s = parent.makeCurrent()) {
          ClientCalls.blockingUnaryCall(ch, method, CallOptions.DEFAULT, new byte[] {2});
        } finally {
          parent.end();
        }
        assertEquals(2, seen.size());
        assertTrue(seen.get(1).startsWith("00-" + parent.getSpanContext().getTraceId() + "-"), seen.get(1));
        assertTrue(seen.get(1).endsWith(" true"), seen.get(1));
        assertEquals(3, exported.getFinishedSpanItems().size());
      } finally {
        ch.shutdownNow();
        server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
      }
    }
  }

  @Test
  void headersOfAContextWithoutASpanAreEmpty() {
    assertEquals(Map.of(), Tracing.headers(Context.root()));
    assertNull(Tracing.headers(Context.root()).get(Tracing.TRACEPARENT));
  }

  private static final MethodDescriptor.Marshaller<byte[]> BYTES = RawBytes.MARSHALLER;
}
