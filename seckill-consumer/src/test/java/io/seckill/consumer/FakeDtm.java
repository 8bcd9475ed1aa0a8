package io.seckill.consumer;

import io.seckill.dtm.client.GlobalStatus;
import io.seckill.dtm.tcc.Branch;
import io.seckill.dtm.tcc.Dtm;
import io.seckill.dtm.tcc.GlobalState;
import io.seckill.dtm.tcc.TccFailure;
import io.seckill.proto.OrderMessage;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An in-memory stand-in for DTM's TCC state machine (prepare/register/submit/abort rules as in
 * dtmsvr/api.go) plus scripted branch Try answers and the order ledger; for orchestration tests.
 */
final class FakeDtm implements Dtm, OrderLedger, OrderRowSubmitCheck.Statuses {
  static final class Tx {
    GlobalStatus status = GlobalStatus.PREPARED;
    final Set<String> branches = new HashSet<>();
    String reason = "";
  }

  final Map<String, Tx> txs = Collections.synchronizedMap(new HashMap<>());
  /** branch name -> scripted answers for its Try, consumed in order; the last one repeats. */
  final Map<String, List<String>> tryScript = new HashMap<>();
  final List<String> calls = Collections.synchronizedList(new ArrayList<>());
  final Map<String, String> cancellations = Collections.synchronizedMap(new HashMap<>());
  final AtomicInteger dtmDownFor = new AtomicInteger();
  final AtomicInteger cancelPendingFor = new AtomicInteger();
  final AtomicInteger registrations = new AtomicInteger();
  /** Submits whose effect lands but whose reply is lost (trouble), like a deadline at the caller. */
  final AtomicInteger submitRepliesLost = new AtomicInteger();
  /** Submits answered OK but never stored, like DTM v1.19.0 while its database is unreachable. */
  final AtomicInteger submitsUnstored = new AtomicInteger();

  void script(String branch, String... answers) {
    tryScript.put(branch, new ArrayList<>(List.of(answers)));
  }

  Tx tx(String gid) {
    return txs.get(gid);
  }

  long count(String prefix) {
    return calls.stream().filter(c -> c.startsWith(prefix)).count();
  }

  private <T> CompletionStage<T> dtm(String call, java.util.function.Supplier<T> body) {
    calls.add(call);
    if (dtmDownFor.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
      return CompletableFuture.failedFuture(new TccFailure.Trouble("UNAVAILABLE: dtm down", null));
    }
    try {
      return CompletableFuture.completedFuture(body.get());
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  @Override
  public synchronized CompletionStage<GlobalState> query(String gid) {
    return dtm("query " + gid, () -> {
      Tx t = txs.get(gid);
      return t == null ? GlobalState.none() : new GlobalState(t.status, Set.copyOf(t.branches), t.reason);
    });
  }

  @Override
  public synchronized CompletionStage<Void> prepare(String gid) {
    return dtm("prepare " + gid, () -> {
      Tx t = txs.get(gid);
      if (t == null) {
        txs.put(gid, new Tx());
      } else if (t.status != GlobalStatus.PREPARED) {
        throw new TccFailure.Conflict("current status '" + t.status + "', cannot prepare", null);
      }
      return null;
    });
  }

  @Override
  public synchronized CompletionStage<Void> register(String gid, Branch branch) {
    return dtm("register " + gid + " " + branch.id(), () -> {
      Tx t = txs.get(gid);
      if (t == null || t.status != GlobalStatus.PREPARED) {
        throw new TccFailure.Conflict("no trans with gid " + gid + " status prepared", null);
      }
      // Real DTM answers a duplicate with UNKNOWN and DtmCoordinator turns that into success after
      // finding the branch registered: at this level a duplicate registration succeeds.
      if (t.branches.add(branch.id())) {
        registrations.incrementAndGet();
      }
      return null;
    });
  }

  @Override
  public CompletionStage<Void> tryBranch(String gid, Branch branch) {
    String answer;
    synchronized (this) {
      calls.add("try " + gid + " " + branch.name());
      List<String> script = tryScript.getOrDefault(branch.name(), List.of("OK"));
      answer = script.size() > 1 ? script.remove(0) : script.get(0);
    }
    if (answer.equals("OK")) {
      return CompletableFuture.completedFuture(null);
    }
    if (answer.startsWith("REFUSE ")) {
      return CompletableFuture.failedFuture(new TccFailure.Refusal(answer.substring(7), null));
    }
    if (answer.startsWith("REJECT ")) {
      return CompletableFuture.failedFuture(new TccFailure.Rejection(answer.substring(7), null));
    }
    return CompletableFuture.failedFuture(new TccFailure.Trouble(answer, null));
  }

  @Override
  public synchronized CompletionStage<Void> submit(String gid) {
    return dtm("submit " + gid, () -> {
      Tx t = txs.get(gid);
      if (t.status == GlobalStatus.PREPARED && submitsUnstored.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
        return null;
      }
      if (t.status == GlobalStatus.PREPARED) {
        t.status = GlobalStatus.SUBMITTED;
      } else if (t.status == GlobalStatus.SUBMITTED) {
        // DTM v1.19.0 marks it succeed without confirming the remaining branches: never do this.
        throw new AssertionError("Submit sent twice for " + gid);
      } else {
        throw new TccFailure.Conflict("current status '" + t.status + "', cannot submit", null);
      }
      if (submitRepliesLost.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
        throw new TccFailure.Trouble("DEADLINE_EXCEEDED: reply lost", null);
      }
      return null;
    });
  }

  @Override
  public synchronized CompletionStage<Void> abort(String gid, String reason) {
    return dtm("abort " + gid, () -> {
      Tx t = txs.get(gid);
      if (t.status != GlobalStatus.PREPARED && t.status != GlobalStatus.ABORTING) {
        throw new TccFailure.Conflict("current status '" + t.status + "', cannot abort", null);
      }
      t.status = GlobalStatus.ABORTING;
      t.reason = reason;
      return null;
    });
  }

  @Override
  public CompletionStage<Boolean> recordCancellation(OrderMessage order, String reason) {
    calls.add("cancellation " + order.getOrderId());
    // Like order-rpc: the reason is written at once (onto a TRYING row, too), but the row only
    // reads CANCELLED when the Try never ran or DTM's Cancel has run, i.e. after the Abort.
    cancellations.putIfAbsent(order.getOrderId(), reason);
    Tx t = txs.get(TccOrderTransactions.gid(order.getOrderId()));
    boolean live = t != null && (t.status == GlobalStatus.PREPARED || t.status == GlobalStatus.SUBMITTED);
    if (live || cancelPendingFor.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
      return CompletableFuture.completedFuture(false);
    }
    return CompletableFuture.completedFuture(true);
  }

  /** Order rows as DTM's branches leave them: a stored Submit is confirmed at once, like DTM's Confirm. */
  @Override
  public CompletionStage<Map<String, String>> of(List<String> orderIds) {
    calls.add("statuses " + orderIds.size());
    Map<String, String> out = new HashMap<>();
    for (String id : orderIds) {
      Tx t = txs.get(TccOrderTransactions.gid(id));
      if (t != null) {
        out.put(id, switch (t.status) {
          case SUBMITTED, SUCCEED -> "CONFIRMED";
          case PREPARED -> "TRYING";
          default -> "CANCELLED";
        });
      }
    }
    return CompletableFuture.completedFuture(out);
  }
}
