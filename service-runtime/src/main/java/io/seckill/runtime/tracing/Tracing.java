package io.seckill.runtime.tracing;

import io.grpc.ClientInterceptor;
import io.grpc.ServerInterceptor;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.propagation.ContextPropagators;
import io.opentelemetry.context.propagation.TextMapGetter;
import io.opentelemetry.context.propagation.TextMapPropagator;
import io.opentelemetry.context.propagation.TextMapSetter;
import io.opentelemetry.exporter.otlp.http.trace.OtlpHttpSpanExporter;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.export.BatchSpanProcessor;
import io.opentelemetry.sdk.trace.samplers.Sampler;
import io.seckill.runtime.ConfigException;
import io.seckill.runtime.settings.Setting;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * One part's tracing: one trace per order, carried as W3C trace context (traceparent, tracestate)
 * from the API through Kafka record headers, gRPC metadata and DTM's branch headers to the branch
 * services (docs/tracing.md).
 *
 * <p>Off by default ({@code tracing.otlp-endpoint} empty): then this is {@link #off()}, over
 * {@link OpenTelemetry#noop()}, no SDK is built, nothing is injected anywhere, the gRPC
 * interceptors are not installed, and every hook of the parts returns after one boolean check. On,
 * it is an SDK of its own (never the global one) that sends spans in batches over OTLP/HTTP.
 */
public final class Tracing implements AutoCloseable {
  /** OTLP/HTTP traces URL, e.g. {@code http://127.0.0.1:4318/v1/traces}; empty turns tracing off. */
  public static final Setting<Optional<URI>> OTLP_ENDPOINT = Setting.of("tracing.otlp-endpoint", true, Tracing::endpoint);
  /** Share of new traces (admissions) recorded, 0..1; a part with a parent follows its decision. */
  public static final Setting<Double> SAMPLE_RATIO = Setting.decimal("tracing.sample-ratio", 0.0, 1.0);
  /** The two keys, for a part's validate(). */
  public static final List<Setting<?>> KEYS = List.of(OTLP_ENDPOINT, SAMPLE_RATIO);
  /** The W3C header names; lower-case, as gRPC metadata and DTM's branch headers need them. */
  public static final String TRACEPARENT = "traceparent";
  public static final String TRACESTATE = "tracestate";

  private static final String SCOPE = "io.seckill";
  private static final Tracing OFF = new Tracing(OpenTelemetry.noop(), null, false);
  private static final TextMapPropagator W3C = W3CTraceContextPropagator.getInstance();
  private static final TextMapSetter<Map<String, String>> MAP_SETTER = (map, key, value) -> map.put(key, value);

  private final OpenTelemetry otel;
  private final AutoCloseable owned;
  private final boolean enabled;
  private final Tracer tracer;

  private Tracing(OpenTelemetry otel, AutoCloseable owned, boolean enabled) {
    this.otel = otel;
    this.owned = owned;
    this.enabled = enabled;
    this.tracer = otel.getTracer(SCOPE);
  }

  /** What {@link #OTLP_ENDPOINT} and {@link #SAMPLE_RATIO} say. */
  public record Settings(Optional<URI> endpoint, double sampleRatio) {
    /** True when an endpoint is set. */
    public boolean enabled() {
      return endpoint.isPresent();
    }
  }

  /** Tracing off: no SDK, nothing injected, nothing recorded. */
  public static Tracing off() {
    return OFF;
  }

  /**
   * Tracing on over {@code otel} (tests pass an SDK with an in-memory exporter). The caller keeps
   * ownership: {@link #close()} does not close it.
   */
  public static Tracing using(OpenTelemetry otel) {
    return new Tracing(Objects.requireNonNull(otel, "otel"), null, true);
  }

  /**
   * Reads and checks the two keys; a missing or malformed one throws {@link ConfigException}
   * naming it. Both must be present (the shipped properties files set them), so a typo in a key
   * name cannot silently leave tracing off.
   */
  public static Settings settings(io.seckill.runtime.settings.Settings config) {
    return new Settings(config.get(OTLP_ENDPOINT), config.get(SAMPLE_RATIO));
  }

  private static Optional<URI> endpoint(String raw) {
    if (raw.isEmpty()) {
      return Optional.empty();
    }
    URI uri;
    try {
      uri = new URI(raw);
    } catch (URISyntaxException e) {
      throw new IllegalArgumentException("is not a URL (" + e.getReason() + ")");
    }
    String scheme = uri.getScheme() == null ? "" : uri.getScheme();
    if (!(scheme.equals("http") || scheme.equals("https")) || uri.getHost() == null
        || uri.getQuery() != null || uri.getFragment() != null) {
      throw new IllegalArgumentException(
          "must be an http(s) URL of an OTLP/HTTP receiver such as http://127.0.0.1:4318/v1/traces (or empty: off)");
    }
    String path = uri.getPath() == null ? "" : uri.getPath();
    if (path.isEmpty() || path.equals("/")) {
      // The receiver's base address given: its traces path is the standard one.
      uri = uri.resolve("/v1/traces");
    }
    return Optional.of(uri);
  }

  /**
   * The tracing {@code config} asks for, as part {@code serviceName} (the {@code service.name} of
   * every span): {@link #off()} without an endpoint, else an SDK exporting to it. Throws
   * {@link ConfigException} naming a missing or malformed key.
   */
  public static Tracing fromConfig(io.seckill.runtime.settings.Settings config, String serviceName) {
    Settings s = settings(config);
    if (!s.enabled()) {
      return OFF;
    }
    Resource resource = Resource.getDefault().merge(Resource.create(Attributes.of(
        AttributeKey.stringKey("service.name"), serviceName,
        AttributeKey.longKey("process.pid"), ProcessHandle.current().pid())));
    OtlpHttpSpanExporter exporter = OtlpHttpSpanExporter.builder().setEndpoint(s.endpoint().get().toString()).build();
    SdkTracerProvider provider = SdkTracerProvider.builder()
        .setResource(resource)
        .setSampler(Sampler.parentBased(Sampler.traceIdRatioBased(s.sampleRatio())))
        .addSpanProcessor(BatchSpanProcessor.builder(exporter).build())
        .build();
    OpenTelemetrySdk sdk = OpenTelemetrySdk.builder()
        .setTracerProvider(provider)
        .setPropagators(ContextPropagators.create(W3C))
        .build();
    return new Tracing(sdk, sdk, true);
  }

  /** True unless this is {@link #off()}. */
  public boolean enabled() {
    return enabled;
  }

  /** The tracer of the parts' own spans (a no-op one when off). */
  public Tracer tracer() {
    return tracer;
  }

  /** The OpenTelemetry this runs on ({@link OpenTelemetry#noop()} when off). */
  public OpenTelemetry openTelemetry() {
    return otel;
  }

  /** Writes {@code ctx}'s trace context into {@code carrier}; nothing at all when off. */
  public <C> void inject(Context ctx, C carrier, TextMapSetter<C> setter) {
    if (enabled) {
      W3C.inject(ctx, carrier, setter);
    }
  }

  /**
   * The remote parent found in {@code carrier}, on top of the root context (never of whatever
   * happens to be current on this thread); the root context when off or when there is none.
   */
  public <C> Context extract(C carrier, TextMapGetter<C> getter) {
    if (!enabled) {
      return Context.root();
    }
    return W3C.extract(Context.root(), carrier, getter);
  }

  /**
   * The W3C headers of {@code ctx} as a map (traceparent, and tracestate when there is one): what
   * goes into DTM's branch headers. Empty when {@code ctx} holds no valid span.
   */
  public static Map<String, String> headers(Context ctx) {
    if (!Span.fromContext(ctx).getSpanContext().isValid()) {
      return Map.of();
    }
    Map<String, String> map = new HashMap<>(4);
    W3C.inject(ctx, map, MAP_SETTER);
    return Collections.unmodifiableMap(map);
  }

  /**
   * A client span around every call started inside a trace, its context sent as metadata (any
   * traceparent already there is replaced); calls outside a trace pass untouched. Install only when
   * {@link #enabled()}.
   */
  public ClientInterceptor clientInterceptor() {
    return new TracingClientInterceptor(tracer);
  }

  /**
   * A server span for every call whose metadata carries a trace context, child of that remote
   * parent and current while the handler runs; calls without one pass untouched (health checks,
   * batched status reads). Install only when {@link #enabled()}.
   */
  public ServerInterceptor serverInterceptor() {
    return new TracingServerInterceptor(tracer);
  }

  /** Flushes and shuts down the SDK this built (nothing for {@link #off()} or {@link #using}). */
  @Override
  public void close() {
    if (owned != null) {
      try {
        owned.close();
      } catch (Exception e) {
        // Spans are best effort: losing the last batch must not fail a shutdown.
      }
    }
  }
}
