package io.seckill.dtm.tcc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class RetriesTest {
  private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
  private final List<Retries.Kind> retried = Collections.synchronizedList(new ArrayList<>());
  private final Retries retries = new Retries(timer, Backoff.doubling(1, 4), () -> false, (kind, t) -> retried.add(kind));

  @AfterEach
  void stop() {
    timer.shutdownNow();
  }

  @Test
  void troubleIsRetriedUntilItWorksAndCountedByKind() throws Exception {
    AtomicInteger n = new AtomicInteger();
    String v = retries.untilDone(Retries.Kind.QUERY, "x", () -> n.incrementAndGet() < 4
        ? CompletableFuture.failedFuture(new TccFailure.Trouble("UNAVAILABLE", null))
        : CompletableFuture.completedFuture("ok")).toCompletableFuture().get(5, TimeUnit.SECONDS);
    assertEquals("ok", v);
    assertEquals(4, n.get());
    assertEquals(List.of(Retries.Kind.QUERY, Retries.Kind.QUERY, Retries.Kind.QUERY), retried);
  }

  @Test
  void answersAreNeverRetried() {
    for (TccFailure answer : List.of(new TccFailure.Conflict("no", null), new TccFailure.Refusal("SOLD_OUT", null),
        new TccFailure.Rejection("INVALID_ARGUMENT", null))) {
      AtomicInteger n = new AtomicInteger();
      ExecutionException e = assertThrows(ExecutionException.class, () -> retries.untilDone(Retries.Kind.ABORT, "x", () -> {
        n.incrementAndGet();
        return CompletableFuture.failedFuture(answer);
      }).toCompletableFuture().get(5, TimeUnit.SECONDS));
      assertEquals(answer, e.getCause());
      assertEquals(1, n.get(), answer.getClass().getSimpleName());
    }
  }

  @Test
  void notYetIsRetriedButNotCountedAsTrouble() throws Exception {
    AtomicInteger n = new AtomicInteger();
    boolean v = retries.untilDone(Retries.Kind.RECORD_CANCELLATION, "x", () -> n.incrementAndGet() < 3
        ? CompletableFuture.<Boolean>failedFuture(new TccFailure.NotYet("no reason yet"))
        : CompletableFuture.completedFuture(true)).toCompletableFuture().get(5, TimeUnit.SECONDS);
    assertTrue(v);
    assertEquals(3, n.get());
    assertEquals(List.of(), retried);
  }

  @Test
  void aThrowingCallIsTroubleToo() throws Exception {
    AtomicInteger n = new AtomicInteger();
    String v = retries.<String>untilDone(Retries.Kind.PREPARE, "x", () -> {
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
    ExecutionException e = assertThrows(ExecutionException.class, () -> retries.within(Retries.Kind.TRY, "x", 50,
        () -> CompletableFuture.failedFuture(new TccFailure.Trouble("DEADLINE_EXCEEDED", null)))
        .toCompletableFuture().get(5, TimeUnit.SECONDS));
    assertInstanceOf(TccFailure.Trouble.class, e.getCause());
    assertTrue(System.nanoTime() - start < TimeUnit.SECONDS.toNanos(2));
    assertTrue(retried.size() >= 5, "retried within the budget: " + retried.size());
  }

  @Test
  void aZeroBudgetMakesOneAttempt() {
    AtomicInteger n = new AtomicInteger();
    assertThrows(ExecutionException.class, () -> retries.within(Retries.Kind.TRY, "x", 0, () -> {
      n.incrementAndGet();
      return CompletableFuture.failedFuture(new TccFailure.Trouble("UNAVAILABLE", null));
    }).toCompletableFuture().get(5, TimeUnit.SECONDS));
    assertEquals(1, n.get());
  }

  @Test
  void stoppingHandsTheWorkBack() {
    Retries stopped = new Retries(timer, Backoff.doubling(1, 4), () -> true, (k, t) -> { });
    ExecutionException e = assertThrows(ExecutionException.class, () -> stopped.untilDone(Retries.Kind.QUERY, "x",
        () -> CompletableFuture.completedFuture(1)).toCompletableFuture().get(5, TimeUnit.SECONDS));
    assertInstanceOf(TccFailure.Stopped.class, e.getCause());
  }

  @Test
  void aShutDownTimerIsAStop() {
    ScheduledExecutorService gone = Executors.newSingleThreadScheduledExecutor();
    gone.shutdownNow();
    Retries r = new Retries(gone, Backoff.doubling(1, 4), () -> false, (k, t) -> { });
    ExecutionException e = assertThrows(ExecutionException.class, () -> r.untilDone(Retries.Kind.QUERY, "x",
        () -> CompletableFuture.failedFuture(new TccFailure.Trouble("UNAVAILABLE", null)))
        .toCompletableFuture().get(5, TimeUnit.SECONDS));
    assertInstanceOf(TccFailure.Stopped.class, e.getCause());
  }

  @Test
  void backoffDoublesUpToItsCeilingWithJitter() {
    Retries r = new Retries(timer, Backoff.doubling(100, 1000), () -> false, (k, t) -> { });
    assertEquals(100, r.ceilingMillis(1));
    assertEquals(200, r.ceilingMillis(2));
    assertEquals(800, r.ceilingMillis(4));
    assertEquals(1000, r.ceilingMillis(30));
    for (int i = 0; i < 200; i++) {
      long d = r.delayMillis(3);
      assertTrue(d >= 200 && d <= 400, "jitter in [c/2, c]: " + d);
    }
    assertThrows(IllegalArgumentException.class, () -> Backoff.doubling(0, 10));
    assertThrows(IllegalArgumentException.class, () -> Backoff.doubling(10, 5));
  }
}
