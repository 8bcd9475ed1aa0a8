package io.seckill.consumer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.seckill.dtm.client.GlobalStatus;
import io.seckill.dtm.tcc.Backoff;
import io.seckill.dtm.tcc.Checkpoint;
import io.seckill.dtm.tcc.Retries;
import io.seckill.dtm.tcc.TccFailure;
import io.seckill.dtm.tcc.TccOutcome;
import io.seckill.dtm.tcc.TccRunner;
import io.seckill.proto.OrderMessage;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class TccOrderTransactionsTest {
  private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
  private final AtomicBoolean stopping = new AtomicBoolean();
  private final FakeDtm dtm = new FakeDtm();
  private final Retries retries = new Retries(timer, Backoff.doubling(1, 5), stopping::get, (s, t) -> { });
  private final BranchPlan plan = new BranchPlan("h:1", "h:2", "h:3", "h:4");

  @AfterEach
  void stopTimer() {
    timer.shutdownNow();
  }

  private TccOrderTransactions runner(Checkpoint checkpoint) {
    return new TccOrderTransactions(new TccRunner(dtm, retries, Duration.ofMillis(200), Duration.ofMillis(5), checkpoint), dtm, dtm, plan, SubmitCheck.ASK_DTM);
  }

  private static OrderMessage order(String id, long couponId) {
    return OrderMessage.newBuilder().setOrderId(id).setUserId(1).setProductId(2).setQuantity(1)
        .setCouponId(couponId).setAmountCents(100).build();
  }

  private static TccOutcome await(java.util.concurrent.CompletionStage<TccOutcome> s) throws Exception {
    return s.toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  @Test
  void allTriesOkSubmitsWithOneBranchPerService() throws Exception {
    TccOutcome o = await(runner(Checkpoint.NONE).run(order("a", 9)));
    assertEquals(TccOutcome.Kind.CONFIRMED, o.kind());
    assertEquals(GlobalStatus.SUBMITTED, dtm.tx("seckill-a").status);
    assertEquals(java.util.Set.of("01", "02", "03", "04"), dtm.tx("seckill-a").branches);
    assertEquals(1, dtm.count("submit"));
    assertEquals(0, dtm.count("abort"));
  }

  @Test
  void noCouponMeansNoCouponBranch() throws Exception {
    await(runner(Checkpoint.NONE).run(order("b", 0)));
    assertEquals(java.util.Set.of("01", "02", "03"), dtm.tx("seckill-b").branches);
    assertEquals(0, dtm.count("try seckill-b coupon"));
    assertEquals(1, dtm.count("try seckill-b pay"));
  }

  @Test
  void businessRefusalAbortsWithTheReasonAndRecordsIt() throws Exception {
    dtm.script("product", "REFUSE SOLD_OUT");
    dtm.script("pay", "UNAVAILABLE: flaky");
    TccOutcome o = await(runner(Checkpoint.NONE).run(order("c", 0)));
    assertEquals(TccOutcome.Kind.REFUSED, o.kind());
    assertEquals("REFUSED product: SOLD_OUT", o.reason(), "a refusal explains the order better than trouble");
    assertEquals(GlobalStatus.ABORTING, dtm.tx("seckill-c").status);
    assertEquals("REFUSED product: SOLD_OUT", dtm.tx("seckill-c").reason);
    assertEquals("REFUSED product: SOLD_OUT", dtm.cancellations.get("c"));
    assertEquals(0, dtm.count("submit"));
  }

  @Test
  void theReasonIsOnTheOrderRowBeforeDtmCanCancelIt() throws Exception {
    dtm.script("coupon", "REFUSE COUPON_USED");
    TccOutcome o = await(runner(Checkpoint.NONE).run(order("c2", 9)));
    assertEquals(TccOutcome.Kind.REFUSED, o.kind());
    int annotated = dtm.calls.indexOf("cancellation c2");
    int aborted = dtm.calls.indexOf("abort seckill-c2");
    assertTrue(annotated >= 0 && annotated < aborted, "reason written before the Abort: " + dtm.calls);
    assertEquals("REFUSED coupon: COUPON_USED", dtm.cancellations.get("c2"));
    assertEquals(2, dtm.count("cancellation c2"), "once before the Abort, once to see the row CANCELLED");
  }

  @Test
  void tryTroubleIsRetriedWithinTheBudget() throws Exception {
    dtm.script("product", "UNAVAILABLE: a", "UNAVAILABLE: b", "OK");
    TccOutcome o = await(runner(Checkpoint.NONE).run(order("d", 0)));
    assertEquals(TccOutcome.Kind.CONFIRMED, o.kind());
    assertEquals(3, dtm.count("try seckill-d product"));
  }

  @Test
  void tryTroublePastTheBudgetIsAnHonestTryFailedCancellation() throws Exception {
    dtm.script("coupon", "UNAVAILABLE: coupon-rpc down");
    TccOutcome o = await(runner(Checkpoint.NONE).run(order("e", 4)));
    assertEquals(TccOutcome.Kind.TRY_FAILED, o.kind());
    assertEquals("TRY_FAILED coupon: UNAVAILABLE: coupon-rpc down", o.reason());
    assertEquals(GlobalStatus.ABORTING, dtm.tx("seckill-e").status);
    assertTrue(dtm.count("try seckill-e coupon") > 1, "retried before giving up");
    assertFalse(o.reason().startsWith("REFUSED"), "trouble is never reported as a business refusal");
  }

  @Test
  void aRejectedTryIsNotRetriedAndEndsTryFailed() throws Exception {
    dtm.script("pay", "REJECT INVALID_ARGUMENT: amount must be positive");
    TccOutcome o = await(runner(Checkpoint.NONE).run(order("r", 0)));
    assertEquals(TccOutcome.Kind.TRY_FAILED, o.kind());
    assertEquals("TRY_FAILED pay: INVALID_ARGUMENT: amount must be positive", o.reason());
    assertEquals(1, dtm.count("try seckill-r pay"));
  }

  @Test
  void dtmTroubleIsRetriedAndNeverBecomesAnOutcome() throws Exception {
    dtm.dtmDownFor.set(6);
    TccOutcome o = await(runner(Checkpoint.NONE).run(order("f", 0)));
    assertEquals(TccOutcome.Kind.CONFIRMED, o.kind());
    assertEquals(1, dtm.count("submit seckill-f") - 0, "one successful submit");
    assertEquals(0, dtm.count("abort"));
  }

  @Test
  void aSubmitWhoseReplyIsLostIsNeverSentAgain() throws Exception {
    dtm.submitRepliesLost.set(1);
    TccOutcome o = await(runner(Checkpoint.NONE).run(order("s", 0)));
    assertEquals(TccOutcome.Kind.CONFIRMED, o.kind());
    assertEquals(1, dtm.count("submit seckill-s"), "the status query, not a resend, settled it");
  }

  @Test
  void anAcknowledgedSubmitThatDtmDidNotStoreIsFoundAndSentAgain() throws Exception {
    dtm.submitsUnstored.set(1);
    TccOutcome o = await(runner(Checkpoint.NONE).run(order("u", 0)));
    assertEquals(TccOutcome.Kind.CONFIRMED, o.kind());
    assertEquals(GlobalStatus.SUBMITTED, dtm.tx("seckill-u").status);
    assertEquals(2, dtm.count("submit seckill-u"), "the lost Submit, then one that DTM stored");
    assertTrue(dtm.calls.indexOf("query seckill-u") > dtm.calls.indexOf("submit seckill-u"),
        "an acknowledged Submit is read back: " + dtm.calls);
  }

  @Test
  void aConfirmedOrderRowProvesTheSubmitWithoutAskingDtm() throws Exception {
    try (OrderRowSubmitCheck rows = new OrderRowSubmitCheck(dtm, timer, 5, 2000, 500)) {
      TccOutcome o = await(new TccOrderTransactions(new TccRunner(dtm, retries, Duration.ofMillis(200), Duration.ofMillis(5), Checkpoint.NONE), dtm, dtm, plan, rows)
          .run(order("v", 0)));
      assertEquals(TccOutcome.Kind.CONFIRMED, o.kind());
      assertEquals(1, dtm.count("submit seckill-v"));
      assertEquals(0, dtm.count("query seckill-v"), "no DTM query when the row reads CONFIRMED: " + dtm.calls);
      assertTrue(dtm.count("statuses") >= 1, "the row was read: " + dtm.calls);
    }
  }

  @Test
  void aLostSubmitIsFoundByDtmOnceItsOrderRowStaysTrying() throws Exception {
    dtm.submitsUnstored.set(1);
    try (OrderRowSubmitCheck rows = new OrderRowSubmitCheck(dtm, timer, 5, 50, 500)) {
      TccOutcome o = await(new TccOrderTransactions(new TccRunner(dtm, retries, Duration.ofMillis(200), Duration.ofMillis(5), Checkpoint.NONE), dtm, dtm, plan, rows)
          .run(order("w", 0)));
      assertEquals(TccOutcome.Kind.CONFIRMED, o.kind());
      assertEquals(GlobalStatus.SUBMITTED, dtm.tx("seckill-w").status);
      assertEquals(2, dtm.count("submit seckill-w"), "the lost Submit, then one that DTM stored");
      assertTrue(dtm.calls.indexOf("query seckill-w") > dtm.calls.indexOf("submit seckill-w"),
          "a row still TRYING past the bound is checked with DTM: " + dtm.calls);
    }
  }

  @Test
  void aSubmitThatNeverArrivedIsSentAgain() throws Exception {
    dtm.dtmDownFor.set(0);
    Checkpoint dropOnce = new Checkpoint() {
      boolean dropped;

      @Override
      public void reached(Step step, String gid, String detail) {
        if (step == Step.AFTER_TRY && !dropped) {
          dropped = true;
          dtm.dtmDownFor.set(1);  // the next DTM call (the Submit) fails before reaching DTM
        }
      }
    };
    TccOutcome o = await(runner(dropOnce).run(order("t", 0)));
    assertEquals(TccOutcome.Kind.CONFIRMED, o.kind());
    assertEquals(2, dtm.count("submit seckill-t"));
    assertEquals(GlobalStatus.SUBMITTED, dtm.tx("seckill-t").status);
  }

  @Test
  void aStopWhileWaitingOutTroubleHandsTheOrderBack() {
    dtm.dtmDownFor.set(Integer.MAX_VALUE);
    CompletableFuture<TccOutcome> f = runner(Checkpoint.NONE).run(order("g", 0)).toCompletableFuture();
    stopping.set(true);
    ExecutionException e = assertThrows(ExecutionException.class, () -> f.get(5, TimeUnit.SECONDS));
    assertInstanceOf(TccFailure.Stopped.class, e.getCause());
    assertTrue(dtm.txs.isEmpty());
  }

  @Test
  void theCancellationIsRetriedUntilTheLedgerHoldsTheReason() throws Exception {
    dtm.script("order", "REFUSE DUPLICATE_ORDER");
    dtm.cancelPendingFor.set(3);
    TccOutcome o = await(runner(Checkpoint.NONE).run(order("h", 0)));
    assertEquals(TccOutcome.Kind.REFUSED, o.kind());
    assertEquals(4, dtm.count("cancellation h"));
    assertEquals("REFUSED order: DUPLICATE_ORDER", dtm.cancellations.get("h"));
  }

  @Test
  void aSubmitRefusedBecauseDtmTimedOutEndsCancelled() throws Exception {
    Checkpoint timeout = (step, gid, detail) -> {
      if (step == Checkpoint.Step.AFTER_TRY && detail.equals("01")) {
        dtm.tx(gid).status = GlobalStatus.ABORTING;  // DTM's cron moved it on
      }
    };
    TccOutcome o = await(runner(timeout).run(order("i", 0)));
    assertEquals(TccOutcome.Kind.ALREADY_CANCELLED, o.kind());
    assertTrue(dtm.cancellations.get("i").startsWith("ABORTED"));
  }

  /** A crash at {@code step}: the first delivery dies there, a fresh runner gets the redelivery. */
  @ParameterizedTest
  @EnumSource(Checkpoint.Step.class)
  void everyCrashPointEndsInOneOutcome(Checkpoint.Step step) throws Exception {
    boolean refused = step == Checkpoint.Step.AFTER_ABORT;
    if (refused) {
      dtm.script("product", "REFUSE SOLD_OUT");
    }
    Checkpoint crash = (reached, gid, detail) -> {
      if (reached == step && (step != Checkpoint.Step.AFTER_TRY || detail.equals("02"))) {
        throw new SimulatedCrash();
      }
    };
    CompletableFuture<TccOutcome> first = runner(crash).run(order("k", 0)).toCompletableFuture();
    ExecutionException died = assertThrows(ExecutionException.class, () -> first.get(5, TimeUnit.SECONDS));
    assertInstanceOf(SimulatedCrash.class, Retries.cause(died));

    TccOutcome second = await(runner(Checkpoint.NONE).run(order("k", 0)));
    FakeDtm.Tx tx = dtm.tx("seckill-k");
    if (refused) {
      assertEquals(TccOutcome.Kind.ALREADY_CANCELLED, second.kind());
      assertEquals(GlobalStatus.ABORTING, tx.status);
      assertEquals("REFUSED product: SOLD_OUT", dtm.cancellations.get("k"));
    } else {
      assertTrue(second.confirmed(), second.toString());
      assertEquals(step == Checkpoint.Step.AFTER_SUBMIT ? TccOutcome.Kind.ALREADY_CONFIRMED : TccOutcome.Kind.CONFIRMED, second.kind());
      assertEquals(GlobalStatus.SUBMITTED, tx.status);
      assertEquals(1, dtm.count("submit seckill-k"), "one decision only");
    }
    assertEquals(3, dtm.registrations.get(), "DTM holds each branch once across both lives");
    assertEquals(java.util.Set.of("01", "02", "03"), tx.branches);
  }

  @Test
  void aThirdDeliveryChangesNothing() throws Exception {
    await(runner(Checkpoint.NONE).run(order("m", 0)));
    long callsBefore = dtm.calls.size();
    TccOutcome again = await(runner(Checkpoint.NONE).run(order("m", 0)));
    assertEquals(TccOutcome.Kind.ALREADY_CONFIRMED, again.kind());
    assertEquals(java.util.List.of("prepare seckill-m", "query seckill-m"),
        dtm.calls.subList((int) callsBefore, dtm.calls.size()), "a Prepare DTM refuses, then a status query");
  }

  static final class SimulatedCrash extends Error {
    private static final long serialVersionUID = 1L;
  }
}
