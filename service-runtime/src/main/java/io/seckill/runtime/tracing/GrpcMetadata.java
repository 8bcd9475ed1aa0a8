package io.seckill.runtime.tracing;

import io.grpc.Metadata;
import io.opentelemetry.context.propagation.TextMapGetter;
import io.opentelemetry.context.propagation.TextMapSetter;
import java.util.ArrayList;
import java.util.List;

/** gRPC metadata as a carrier of W3C trace context (ASCII headers). */
final class GrpcMetadata {
  static final Metadata.Key<String> TRACEPARENT = key(Tracing.TRACEPARENT);
  static final Metadata.Key<String> TRACESTATE = key(Tracing.TRACESTATE);

  /** Replaces any value of the key: one traceparent per call, whoever attached one before. */
  static final TextMapSetter<Metadata> SETTER = (md, k, v) -> {
    Metadata.Key<String> key = key(k);
    md.removeAll(key);
    md.put(key, v);
  };

  static final TextMapGetter<Metadata> GETTER = new TextMapGetter<>() {
    @Override
    public Iterable<String> keys(Metadata md) {
      List<String> ascii = new ArrayList<>();
      for (String k : md.keys()) {
        if (!k.endsWith(Metadata.BINARY_HEADER_SUFFIX)) {
          ascii.add(k);
        }
      }
      return ascii;
    }

    @Override
    public String get(Metadata md, String k) {
      return md == null || k.endsWith(Metadata.BINARY_HEADER_SUFFIX) ? null : md.get(key(k));
    }
  };

  private GrpcMetadata() {
  }

  private static Metadata.Key<String> key(String name) {
    return Metadata.Key.of(name, Metadata.ASCII_STRING_MARSHALLER);
  }
}
