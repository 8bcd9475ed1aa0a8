package io.seckill.consumer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.seckill.dtm.tcc.TccOutcome;
import org.junit.jupiter.api.Test;

class MetricsTest {

  @Test
  void enqueueToOutcomeLandsInItsBucketAndAnUnstampedRecordIsLeftOut() {
    Metrics m = new Metrics(10);
    m.outcome(TccOutcome.Kind.CONFIRMED, 1_000_000, 120);
    m.outcome(TccOutcome.Kind.REFUSED, 1_000_000, 7_000);
    m.outcome(TccOutcome.Kind.CONFIRMED, 1_000_000, -1);
    String text = m.render();
    assertTrue(text.contains("seckill_consumer_order_latency_seconds_bucket{le=\"0.1\"} 0"), text);
    assertTrue(text.contains("seckill_consumer_order_latency_seconds_bucket{le=\"0.25\"} 1"), text);
    assertTrue(text.contains("seckill_consumer_order_latency_seconds_bucket{le=\"10.0\"} 2"), text);
    assertTrue(text.contains("seckill_consumer_order_latency_seconds_count 2"), text);
    assertEquals(2, m.outcomes(TccOutcome.Kind.CONFIRMED));
  }
}
