package io.seckill.consumer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A measurement, not a gate: {@code -Dconsumer.bench=2000} pushes that many orders (half of them
 * can be served) through an in-process consumer on the real stack and prints orders/s.
 */
class ConsumerThroughputTest {
  @Test
  void measure() throws Exception {
    int n = Integer.getInteger("consumer.bench", 0);
    assumeTrue(n > 0, "set -Dconsumer.bench=N to measure");
    assumeTrue(StackFixture.stackDown().isEmpty(), "stack not up");
    try (StackFixture f = new StackFixture(6)) {
      long product = f.product(0, n / 2, 1000);
      List<String> ids = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        String id = f.orderId("b" + i);
        ids.add(id);
        f.producer.send(new org.apache.kafka.clients.producer.ProducerRecord<>(f.topic,
            id.getBytes(), StackFixture.json(id, f.user(i), product, 1, 0, 1000).getBytes()));
      }
      f.producer.flush();
      long start = System.nanoTime();
      try (ConsumerEndToEndTest.InProcess c = new ConsumerEndToEndTest.InProcess(f.consumerSettings("bench-" + f.run), Checkpoint.NONE)) {
        Metrics m = c.running.metrics();
        while (m.outcomes(Outcome.Kind.CONFIRMED) + m.outcomes(Outcome.Kind.REFUSED) + m.outcomes(Outcome.Kind.TRY_FAILED) < n) {
          Thread.sleep(50);
        }
        double secs = (System.nanoTime() - start) / 1e9;
        System.out.printf("BENCH %d orders in %.1f s = %.0f orders/s%n%s%n", n, secs, n / secs,
            c.metrics().lines().filter(l -> l.startsWith("seckill_consumer_tcc") || l.startsWith("seckill_consumer_orders")
                || l.startsWith("seckill_consumer_retries")).reduce("", (a, b) -> a + b + "\n"));
      }
      f.awaitFinal(ids, Duration.ofSeconds(120));
      f.assertStockInvariants();
      assertEquals(n / 2, f.scalar("SELECT sold FROM seckill_product.product WHERE id = ?", product));
    }
  }
}
