package io.seckill.consumer;

import io.seckill.dtm.tcc.TccOutcome;
import io.seckill.dtm.tcc.TccFailure;
import io.seckill.dtm.tcc.Retries;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.propagation.TextMapGetter;
import io.seckill.proto.OrderMessage;
import io.seckill.runtime.tracing.Tracing;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;

/**
 * The consumer's span per order: a child of the API's admission, whose context came in the Kafka
 * record's {@code traceparent}/{@code tracestate} headers; the order's whole TCC runs inside it
 * (the gRPC calls to DTM and to each branch's Try are its client spans, DTM's Confirm/Cancel
 * arrive as its children through the transaction's branch headers). Off: every method returns
 * after one check and nothing is created.
 */
public final class ConsumerTracing {
  private static final ConsumerTracing OFF = new ConsumerTracing(Tracing.off());

  /** Kafka headers as a W3C carrier; the last value of a repeated header wins, like gRPC's. */
  static final TextMapGetter<Headers> HEADERS = new TextMapGetter<>() {
    @Override
    public Iterable<String> keys(Headers headers) {
      List<String> keys = new ArrayList<>();
      for (Header h : headers) {
        keys.add(h.key());
      }
      return keys;
    }

    @Override
    public String get(Headers headers, String key) {
      if (headers == null) {
        return null;
      }
      Header h = headers.lastHeader(key);
      return h == null || h.value() == null ? null : new String(h.value(), StandardCharsets.ISO_8859_1);
    }
  };

  private final Tracing tracing;

  /** The consumer's spans through {@code tracing}. */
  public ConsumerTracing(Tracing tracing) {
    this.tracing = tracing;
  }

  /** No tracing. */
  public static ConsumerTracing off() {
    return OFF;
  }

  /** True when spans are made. */
  public boolean enabled() {
    return tracing.enabled();
  }

  /**
   * Starts the span of {@code order}, read from {@code record}, and returns the context holding it
   * (current while the order's transaction runs); null when tracing is off. A record without trace
   * headers (the load generator writes straight to Kafka) starts a trace of its own. A redelivered
   * record makes a second span in the same trace.
   */
  public Context start(ConsumerRecord<byte[], byte[]> record, OrderMessage order) {
    if (!tracing.enabled()) {
      return null;
    }
    Context parent = tracing.extract(record.headers(), HEADERS);
    Span span = tracing.tracer().spanBuilder(record.topic() + " process")
        .setParent(parent)
        .setSpanKind(SpanKind.CONSUMER)
        .setAttribute("messaging.system", "kafka")
        .setAttribute("messaging.operation", "process")
        .setAttribute("messaging.destination.name", record.topic())
        .setAttribute("messaging.destination.partition.id", Integer.toString(record.partition()))
        .setAttribute("messaging.kafka.offset", record.offset())
        .setAttribute("seckill.order_id", order.getOrderId())
        .setAttribute("dtm.gid", TccOrderTransactions.gid(order.getOrderId()))
        .startSpan();
    return parent.with(span);
  }

  /** Ends the span of {@code ctx} (from {@link #start}) with the order's outcome or failure. */
  public void end(Context ctx, TccOutcome outcome, Throwable error) {
    if (ctx == null) {
      return;
    }
    Span span = Span.fromContext(ctx);
    if (error != null) {
      Throwable c = Retries.cause(error);
      span.setStatus(StatusCode.ERROR, c instanceof TccFailure.Stopped ? "stopped before an outcome" : String.valueOf(c));
    } else {
      span.setAttribute("seckill.outcome", outcome.kind().name());
      if (outcome.reason() != null && !outcome.reason().isEmpty()) {
        span.setAttribute("seckill.reason", outcome.reason());
      }
    }
    span.end();
  }
}
