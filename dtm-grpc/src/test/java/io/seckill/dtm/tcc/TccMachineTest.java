package io.seckill.dtm.tcc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.seckill.dtm.client.GlobalStatus;
import io.seckill.dtm.tcc.TccMachine.Purpose;
import io.seckill.dtm.tcc.TccMachine.Result;
import io.seckill.dtm.tcc.TccMachine.State;
import io.seckill.dtm.tcc.TccMachine.Step;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The decisions alone, step by step: no DTM, no threads. */
class TccMachineTest {
  private final Branch order = Branch.of(1, "order", "h:1", "p.S", new byte[] {1});
  private final Branch product = Branch.of(2, "product", "h:2", "p.S", new byte[] {2});
  private final Branch pay = Branch.of(3, "pay", "h:3", "p.S", new byte[] {3});
  private final TccMachine m = new TccMachine(List.of(order, product, pay));

  private static final TryResult OK = TryResult.DONE;

  private static GlobalState state(GlobalStatus s, String... branches) {
    return new GlobalState(s, Set.of(branches), "");
  }

  @Test
  void theHappyPathIsPrepareRegisterTrySubmitProve() {
    State s = m.start();
    assertEquals(new Step.Prepare(), s.step());
    s = m.next(s, Result.OK);
    assertEquals(new Step.Register(List.of(order, product, pay)), s.step());
    s = m.next(s, Result.OK);
    assertEquals(new Step.TryAll(List.of(order, product, pay)), s.step());
    s = m.next(s, new Result.Tried(List.of(OK, OK, OK)));
    assertEquals(new Step.Submit(), s.step());
    s = m.next(s, Result.OK);
    assertEquals(new Step.Prove(), s.step());
    s = m.next(s, new Result.Proven(true));
    assertEquals(new Step.Finish(new TccOutcome.Confirmed(false)), s.step());
    State done = s;
    assertThrows(IllegalStateException.class, () -> m.next(done, Result.OK));
  }

  @Test
  void anUnprovenSubmitIsReadBackAndAStillPreparedGidResumesWithoutRegisteringAgain() {
    State s = new State(new Step.Prove(), 0);
    s = m.next(s, new Result.Proven(false));
    assertEquals(new Step.Query(Purpose.READ_BACK), s.step());
    State readBack = s;
    assertEquals(new Step.Finish(new TccOutcome.Confirmed(false)),
        m.next(readBack, new Result.Found(state(GlobalStatus.SUBMITTED))).step());
    s = m.next(readBack, new Result.Found(state(GlobalStatus.PREPARED, "01", "02", "03")));
    assertEquals(new Step.TryAll(List.of(order, product, pay)), s.step());
    assertEquals(1, s.round());
  }

  @Test
  void aSubmitWithALostReplyIsNeverResentBlindly() {
    State s = m.next(new State(new Step.Submit(), 0), new Result.Failed("DEADLINE_EXCEEDED"));
    assertEquals(new Step.Query(Purpose.AFTER_SUBMIT_TROUBLE), s.step());
    assertEquals(new Step.Submit(), m.next(s, new Result.Found(state(GlobalStatus.PREPARED, "01", "02", "03"))).step());
    assertEquals(new Step.Finish(new TccOutcome.Confirmed(false)), m.next(s, new Result.Found(state(GlobalStatus.SUCCEED))).step());
    // DTM's timeout won the race: record why, as an order found cancelled.
    State aborting = m.next(s, new Result.Found(new GlobalState(GlobalStatus.ABORTING, Set.of(), "")));
    assertInstanceOf(Step.Record.class, aborting.step());
    assertInstanceOf(TccOutcome.AlreadyCancelled.class, ((Step.Record) aborting.step()).outcome());
  }

  @Test
  void aRefusalWinsOverTroubleAndTheHoldersAreNamed() {
    State s = m.next(new State(new Step.TryAll(m.branches()), 0),
        new Result.Tried(List.of(OK, new TryResult.Failed("UNAVAILABLE: x"), new TryResult.Refused("NO_FUNDS"))));
    assertEquals(new Step.BeforeAbort(new TccOutcome.Refused("pay", "NO_FUNDS"), Set.of("order")), s.step());
    s = m.next(s, Result.OK);
    assertEquals(new Step.Abort(new TccOutcome.Refused("pay", "NO_FUNDS")), s.step());
    assertEquals("REFUSED pay: NO_FUNDS", ((Step.Abort) s.step()).outcome().reason());
    s = m.next(s, Result.OK);
    assertEquals(new Step.Record(new TccOutcome.Refused("pay", "NO_FUNDS")), s.step());
    s = m.next(s, Result.OK);
    assertEquals(new Step.Finish(new TccOutcome.Refused("pay", "NO_FUNDS")), s.step());
  }

  @Test
  void theFirstFailureInBranchOrderNamesATryFailure() {
    State s = m.next(new State(new Step.TryAll(m.branches()), 0), new Result.Tried(List.of(
        new TryResult.Rejected("INVALID_ARGUMENT: quantity"), OK, new TryResult.Failed("UNAVAILABLE"))));
    Step.BeforeAbort b = (Step.BeforeAbort) s.step();
    assertEquals(new TccOutcome.TryFailed("order", "INVALID_ARGUMENT: quantity"), b.outcome());
    assertEquals(TccOutcome.Kind.TRY_FAILED, b.outcome().kind());
    assertEquals(Set.of("product"), b.held());
    assertThrows(IllegalArgumentException.class, () -> m.next(new State(new Step.TryAll(m.branches()), 0),
        new Result.Tried(List.of(OK))));
  }

  @Test
  void dtmsStatusDecidesAfterAConflict() {
    State q = m.next(m.start(), new Result.Conflicted("current status 'submitted'"));
    assertEquals(new State(new Step.Query(Purpose.SETTLE), 1), q);
    assertEquals(new Step.Prepare(), m.next(q, new Result.Found(GlobalState.none())).step());
    assertEquals(new Step.Register(List.of(pay)), m.next(q, new Result.Found(state(GlobalStatus.PREPARED, "01", "02"))).step());
    assertEquals(new Step.Finish(new TccOutcome.Confirmed(true)), m.next(q, new Result.Found(state(GlobalStatus.SUCCEED))).step());
    State failed = m.next(q, new Result.Found(new GlobalState(GlobalStatus.FAILED, Set.of(), "REFUSED product: SOLD_OUT")));
    assertEquals(new Step.Record(new TccOutcome.AlreadyCancelled("REFUSED product: SOLD_OUT")), failed.step());
    State silent = m.next(q, new Result.Found(new GlobalState(GlobalStatus.FAILED, Set.of(), "")));
    assertEquals("ABORTED: global transaction failed in DTM (timed out or aborted earlier)",
        ((Step.Record) silent.step()).outcome().reason());
  }

  @Test
  void tooManyConflictsInARowPauseBeforeTheNextQuery() {
    State s = m.start();
    for (int round = 1; round < TccMachine.MAX_ROUNDS; round++) {
      s = m.next(s, new Result.Conflicted("no"));
      assertEquals(new State(new Step.Query(Purpose.SETTLE), round), s);
      s = m.next(s, new Result.Found(GlobalState.none()));
      assertEquals(new Step.Prepare(), s.step());
    }
    s = m.next(s, new Result.Conflicted("no"));
    assertEquals(new Step.Pause(), s.step());
    assertEquals(new State(new Step.Query(Purpose.SETTLE), 0), m.next(s, Result.OK));
  }

  @Test
  void aStepGivenAnAnswerItCannotHaveIsABug() {
    assertThrows(IllegalArgumentException.class, () -> m.next(m.start(), new Result.Proven(true)));
    assertThrows(IllegalArgumentException.class, () -> m.next(new State(new Step.Record(new TccOutcome.Confirmed(false)), 0),
        new Result.Conflicted("x")));
  }

  @Test
  void branchesAndReasonsAreChecked() {
    assertThrows(IllegalArgumentException.class, () -> new TccMachine(List.of()));
    assertThrows(IllegalArgumentException.class, () -> new TccMachine(List.of(order, order)));
    assertThrows(IllegalArgumentException.class, () -> Branch.of(100, "x", "h:1", "p.S", new byte[0]));
    assertThrows(IllegalArgumentException.class, () -> new Branch("1", "x", order.call()));
    assertEquals("a b", TccMachine.clip("a\nb"));
    assertEquals(TccMachine.MAX_REASON, new TccOutcome.Refused("product", "x".repeat(400)).reason().length());
  }
}
