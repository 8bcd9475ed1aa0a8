package io.seckill.consumer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.seckill.dtm.tcc.TccFailure;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class OrderRowSubmitCheckTest {
  private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
  private final Map<String, String> rows = new HashMap<>();
  private final List<Integer> calls = new ArrayList<>();
  private volatile boolean failing;

  private final OrderRowSubmitCheck.Statuses statuses = ids -> {
    synchronized (calls) {
      calls.add(ids.size());
    }
    if (failing) {
      return CompletableFuture.failedFuture(new TccFailure.Trouble("UNAVAILABLE", null));
    }
    Map<String, String> out = new HashMap<>();
    synchronized (rows) {
      ids.forEach(id -> {
        if (rows.containsKey(id)) {
          out.put(id, rows.get(id));
        }
      });
    }
    return CompletableFuture.completedFuture(out);
  };

  @AfterEach
  void stop() {
    timer.shutdownNow();
  }

  private void row(String id, String status) {
    synchronized (rows) {
      rows.put(id, status);
    }
  }

  @Test
  void manyWaitingOrdersAreReadInFewBatchedCalls() throws Exception {
    try (OrderRowSubmitCheck check = new OrderRowSubmitCheck(statuses, timer, 20, 5000, 100)) {
      List<CompletableFuture<Boolean>> answers = new ArrayList<>();
      for (int i = 0; i < 250; i++) {
        row("o" + i, "CONFIRMED");
        answers.add(check.confirmed("o" + i).toCompletableFuture());
      }
      for (CompletableFuture<Boolean> a : answers) {
        assertTrue(a.get(5, TimeUnit.SECONDS));
      }
      synchronized (calls) {
        assertEquals(3, calls.size(), "250 ids in chunks of 100: " + calls);
      }
      assertEquals(0, check.waiting());
    }
  }

  @Test
  void aRowThatIsNotConfirmedWithinTheBoundAnswersFalse() throws Exception {
    try (OrderRowSubmitCheck check = new OrderRowSubmitCheck(statuses, timer, 5, 60, 500)) {
      row("t", "TRYING");
      CompletableFuture<Boolean> trying = check.confirmed("t").toCompletableFuture();
      CompletableFuture<Boolean> missing = check.confirmed("m").toCompletableFuture();
      assertFalse(trying.get(5, TimeUnit.SECONDS));
      assertFalse(missing.get(5, TimeUnit.SECONDS));
    }
  }

  @Test
  void aRowConfirmedLaterIsStillSeenBeforeTheBound() throws Exception {
    try (OrderRowSubmitCheck check = new OrderRowSubmitCheck(statuses, timer, 5, 5000, 500)) {
      row("late", "TRYING");
      CompletableFuture<Boolean> answer = check.confirmed("late").toCompletableFuture();
      Thread.sleep(50);
      assertFalse(answer.isDone(), "still waiting for its Confirm");
      row("late", "CONFIRMED");
      assertTrue(answer.get(5, TimeUnit.SECONDS));
    }
  }

  @Test
  void failedReadsFallBackToDtmOnceOverdue() throws Exception {
    failing = true;
    try (OrderRowSubmitCheck check = new OrderRowSubmitCheck(statuses, timer, 5, 40, 500)) {
      row("x", "CONFIRMED");
      assertFalse(check.confirmed("x").toCompletableFuture().get(5, TimeUnit.SECONDS));
    }
  }

  @Test
  void closingAnswersEveryWaitingOrderFalse() throws Exception {
    OrderRowSubmitCheck check = new OrderRowSubmitCheck(statuses, timer, 1000, 100_000, 500);
    CompletableFuture<Boolean> answer = check.confirmed("c").toCompletableFuture();
    check.close();
    assertFalse(answer.get(1, TimeUnit.SECONDS));
    assertFalse(check.confirmed("d").toCompletableFuture().get(1, TimeUnit.SECONDS));
  }

  @Test
  void aBoundBelowTheIntervalIsRefused() {
    assertThrows(IllegalArgumentException.class, () -> new OrderRowSubmitCheck(statuses, timer, 100, 50, 500));
  }
}
