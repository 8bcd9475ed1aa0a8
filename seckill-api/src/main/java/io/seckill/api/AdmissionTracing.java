package io.seckill.api;

import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.context.Context;
import io.seckill.runtime.tracing.Tracing;

/**
 * The root span of an order's trace: one buyer's admission (Redis, then the Kafka publish as its
 * child). Always a new trace: a buyer's request is untrusted, so a traceparent it sends is ignored
 * (it would let anyone file spans into, or choose the ids of, our traces).
 */
public final class AdmissionTracing {
  private static final AdmissionTracing OFF = new AdmissionTracing(Tracing.off());

  private final Tracing tracing;

  /** Admission spans through {@code tracing}. */
  public AdmissionTracing(Tracing tracing) {
    this.tracing = tracing;
  }

  /** No spans. */
  public static AdmissionTracing off() {
    return OFF;
  }

  /** True when spans are made. */
  public boolean enabled() {
    return tracing.enabled();
  }

  /** Starts the admission span of {@code userId} buying {@code productId}; its context (the root when off). */
  public Context start(long userId, long productId, int quantity) {
    if (!tracing.enabled()) {
      return Context.root();
    }
    Span span = tracing.tracer().spanBuilder("POST /api/v1/seckill/orders")
        .setNoParent()
        .setSpanKind(SpanKind.SERVER)
        .setAttribute("http.request.method", "POST")
        .setAttribute("http.route", "/api/v1/seckill/orders")
        .setAttribute("seckill.user_id", userId)
        .setAttribute("seckill.product_id", productId)
        .setAttribute("seckill.quantity", quantity)
        .startSpan();
    return Context.root().with(span);
  }

  /** Ends the span of {@code ctx} with the buyer's answer. */
  public void end(Context ctx, AdmissionService.Decision d, Throwable error) {
    Span span = Span.fromContext(ctx);
    if (error != null) {
      span.setStatus(StatusCode.ERROR, String.valueOf(error));
    } else if (d != null) {
      int status = HttpApi.status(d.verdict());
      span.setAttribute("http.response.status_code", status);
      span.setAttribute("seckill.outcome", String.valueOf(d.outcome()));
      if (d.orderId() != null) {
        span.setAttribute("seckill.order_id", d.orderId());
      }
      if (status >= 500) {
        span.setStatus(StatusCode.ERROR, String.valueOf(d.outcome()));
      }
    }
    span.end();
  }
}
