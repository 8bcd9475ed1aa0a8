package io.seckill.runtime.tracing;

import io.grpc.ForwardingServerCall;
import io.grpc.ForwardingServerCallListener;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanBuilder;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import io.seckill.dtm.DtmHeaders;
import java.util.concurrent.atomic.AtomicBoolean;

/** See {@link Tracing#serverInterceptor()}. */
final class TracingServerInterceptor implements ServerInterceptor {
  private final Tracer tracer;

  TracingServerInterceptor(Tracer tracer) {
    this.tracer = tracer;
  }

  @Override
  public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
    if (!headers.containsKey(GrpcMetadata.TRACEPARENT)) {
      return next.startCall(call, headers);
    }
    // On the root context: the parent is what the caller sent, never what this thread holds.
    Context parent = W3CTraceContextPropagator.getInstance().extract(Context.root(), headers, GrpcMetadata.GETTER);
    if (!Span.fromContext(parent).getSpanContext().isValid()) {
      return next.startCall(call, headers);
    }
    MethodDescriptor<Q, R> method = call.getMethodDescriptor();
    SpanBuilder b = tracer.spanBuilder(method.getFullMethodName())
        .setParent(parent)
        .setSpanKind(SpanKind.SERVER)
        .setAttribute("rpc.system", "grpc")
        .setAttribute("rpc.service", String.valueOf(method.getServiceName()))
        .setAttribute("rpc.method", String.valueOf(method.getBareMethodName()));
    // Which TCC step this is (try/confirm/cancel), of which transaction and branch: DTM's own metadata.
    attribute(b, "dtm.gid", headers.get(DtmHeaders.GID));
    attribute(b, "dtm.branch_id", headers.get(DtmHeaders.BRANCH_ID));
    attribute(b, "dtm.op", headers.get(DtmHeaders.OP));
    Span span = b.startSpan();
    Context ctx = parent.with(span);
    AtomicBoolean ended = new AtomicBoolean();
    ServerCall<Q, R> traced = new ForwardingServerCall.SimpleForwardingServerCall<>(call) {
      @Override
      public void close(Status status, Metadata trailers) {
        end(span, ended, status);
        super.close(status, trailers);
      }
    };
    ServerCall.Listener<Q> listener;
    try (Scope s = ctx.makeCurrent()) {
      listener = next.startCall(traced, headers);
    } catch (RuntimeException e) {
      span.recordException(e);
      end(span, ended, Status.UNKNOWN);
      throw e;
    }
    return new ForwardingServerCallListener.SimpleForwardingServerCallListener<>(listener) {
      @Override
      public void onMessage(Q message) {
        in(ctx, () -> super.onMessage(message));
      }

      @Override
      public void onHalfClose() {
        in(ctx, super::onHalfClose);
      }

      @Override
      public void onCancel() {
        try {
          in(ctx, super::onCancel);
        } finally {
          end(span, ended, Status.CANCELLED);
        }
      }

      @Override
      public void onComplete() {
        in(ctx, super::onComplete);
      }

      @Override
      public void onReady() {
        in(ctx, super::onReady);
      }
    };
  }

  private static void in(Context ctx, Runnable r) {
    try (Scope s = ctx.makeCurrent()) {
      r.run();
    }
  }

  private static void attribute(SpanBuilder b, String key, String value) {
    if (value != null && !value.isEmpty()) {
      b.setAttribute(key, value);
    }
  }

  /** Server-side errors are the codes that mean "the server failed", not a refusal (ABORTED) or a bad request. */
  private static void end(Span span, AtomicBoolean ended, Status status) {
    if (!ended.compareAndSet(false, true)) {
      return;
    }
    span.setAttribute("rpc.grpc.status_code", status.getCode().value());
    switch (status.getCode()) {
      case UNKNOWN, DEADLINE_EXCEEDED, UNIMPLEMENTED, INTERNAL, UNAVAILABLE, DATA_LOSS ->
          span.setStatus(StatusCode.ERROR, status.getCode().name());
      default -> { }
    }
    span.end();
  }
}
