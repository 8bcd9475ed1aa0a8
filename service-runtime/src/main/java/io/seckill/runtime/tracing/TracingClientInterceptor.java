package io.seckill.runtime.tracing;

import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientCall;
import io.grpc.ClientInterceptor;
import io.grpc.ForwardingClientCall;
import io.grpc.ForwardingClientCallListener;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import java.util.concurrent.atomic.AtomicBoolean;

/** See {@link Tracing#clientInterceptor()}. */
final class TracingClientInterceptor implements ClientInterceptor {
  private final Tracer tracer;

  TracingClientInterceptor(Tracer tracer) {
    this.tracer = tracer;
  }

  @Override
  public <Q, R> ClientCall<Q, R> interceptCall(MethodDescriptor<Q, R> method, CallOptions options, Channel next) {
    Context parent = Context.current();
    if (!Span.fromContext(parent).getSpanContext().isValid()) {
      // Outside an order (the batched order-row reads, status queries of tools): no trace to join.
      return next.newCall(method, options);
    }
    Span span = tracer.spanBuilder(method.getFullMethodName())
        .setParent(parent)
        .setSpanKind(SpanKind.CLIENT)
        .setAttribute("rpc.system", "grpc")
        .setAttribute("rpc.service", String.valueOf(method.getServiceName()))
        .setAttribute("rpc.method", String.valueOf(method.getBareMethodName()))
        .setAttribute("server.address", String.valueOf(next.authority()))
        .startSpan();
    Context ctx = parent.with(span);
    AtomicBoolean ended = new AtomicBoolean();
    ClientCall<Q, R> call;
    try (Scope s = ctx.makeCurrent()) {
      call = next.newCall(method, options);
    } catch (RuntimeException e) {
      span.recordException(e);
      span.setStatus(StatusCode.ERROR);
      span.end();
      throw e;
    }
    return new ForwardingClientCall.SimpleForwardingClientCall<>(call) {
      @Override
      public void start(Listener<R> listener, Metadata headers) {
        // The call's own span is the parent the server sees, also when a traceparent came in with
        // DTM's branch headers (the order's span, for DTM's later Confirm/Cancel): one value only.
        headers.removeAll(GrpcMetadata.TRACEPARENT);
        headers.removeAll(GrpcMetadata.TRACESTATE);
        W3CTraceContextPropagator.getInstance().inject(ctx, headers, GrpcMetadata.SETTER);
        try (Scope s = ctx.makeCurrent()) {
          super.start(new ForwardingClientCallListener.SimpleForwardingClientCallListener<>(listener) {
            @Override
            public void onClose(Status status, Metadata trailers) {
              if (ended.compareAndSet(false, true)) {
                span.setAttribute("rpc.grpc.status_code", status.getCode().value());
                if (!status.isOk()) {
                  span.setStatus(StatusCode.ERROR, status.getCode() + (status.getDescription() == null ? ""
                      : ": " + status.getDescription()));
                }
                span.end();
              }
              super.onClose(status, trailers);
            }
          }, headers);
        } catch (RuntimeException e) {
          if (ended.compareAndSet(false, true)) {
            span.recordException(e);
            span.setStatus(StatusCode.ERROR);
            span.end();
          }
          throw e;
        }
      }
    };
  }
}
