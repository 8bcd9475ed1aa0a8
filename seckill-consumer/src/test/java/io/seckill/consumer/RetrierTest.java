package io.seckill.consumer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class RetrierTest {
  private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
  private final List<String> retried = new ArrayList<>();
  private final Retrier retrier = new Retrier(timer, new Backoff(1, 4, 2.0), () -> false,
      (step, t) -> retried.add(step));

  @AfterEach
  void stop() {
    timer.shutdownNow();
  }

  @Test
  void troubleIsRetriedUntilItWorks() throws Exception {
    AtomicInteger n = new AtomicInteger();
    String v = retrier.untilDone("x", () -> n.incrementAndGet() < 4
        ? CompletableFuture.failedFuture(new Trouble("UNAVAILABLE", null))
        : CompletableFuture.completedFuture("ok")).toCompletableFuture().get(5, TimeUnit.SECONDS);
    assertEquals("ok", v);
    assertEquals(4, n.get());
    assertEquals(3, retried.size());
  }

  @Test
  void aRefusalIsNeverRetried() {
    AtomicInteger n = new AtomicInteger();
    ExecutionException e = assertThrows(ExecutionException.class, () -> retrier.untilDone("x", () -> {
      n.incrementAndGet();
      return CompletableFuture.failedFuture(new Refused("no"));
    }).toCompletableFuture().get(5, TimeUnit.SECONDS));
    assertInstanceOf(Refused.class, e.getCause());
    assertEquals(1, n.get());
  }

  @Test
  void aThrowingCallIsTroubleToo() throws Exception {
    AtomicInteger n = new AtomicInteger();
    String v = retrier.<String>untilDone("x", () -> {
      if (n.incrementAndGet() == 1) {
        throw new IllegalStateException("boom");
      }
      return CompletableFuture.completedFuture("ok");
    }).toCompletableFuture().get(5, TimeUnit.SECONDS);
    assertEquals("ok", v);
  }

  @Test
  void aBudgetEndsWithTheLastTrouble() {
    long start = System.nanoTime();
    ExecutionException e = assertThrows(ExecutionException.class, () -> retrier.within("x", 50,
        () -> CompletableFuture.failedFuture(new Trouble("DEADLINE_EXCEEDED", null))).toCompletableFuture().get(5, TimeUnit.SECONDS));
    assertInstanceOf(Trouble.class, e.getCause());
    assertTrue(System.nanoTime() - start < TimeUnit.SECONDS.toNanos(2));
    assertTrue(retried.size() >= 5, "retried within the budget: " + retried.size());
  }

  @Test
  void stoppingHandsTheWorkBack() {
    Retrier stopped = new Retrier(timer, new Backoff(1, 4, 2.0), () -> true, (s, t) -> { });
    ExecutionException e = assertThrows(ExecutionException.class, () -> stopped.untilDone("x",
        () -> CompletableFuture.completedFuture(1)).toCompletableFuture().get(5, TimeUnit.SECONDS));
    assertInstanceOf(Stopped.class, e.getCause());
  }

  @Test
  void backoffDoublesUpToItsCeilingWithJitter() {
    Backoff b = new Backoff(100, 1000, 2.0);
    assertEquals(100, b.ceiling(1));
    assertEquals(200, b.ceiling(2));
    assertEquals(800, b.ceiling(4));
    assertEquals(1000, b.ceiling(30));
    for (int i = 0; i < 200; i++) {
      long d = b.delayMillis(3);
      assertTrue(d >= 200 && d <= 400, "jitter in [c/2, c]: " + d);
    }
  }
}
