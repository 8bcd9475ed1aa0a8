package io.seckill.consumer;

import io.opentelemetry.api.trace.Span;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import io.seckill.dtm.tcc.Dtm;
import io.seckill.dtm.tcc.TccHooks;
import io.seckill.dtm.tcc.TccOutcome;
import io.seckill.dtm.tcc.TccRunner;
import io.seckill.proto.OrderMessage;
import io.seckill.runtime.tracing.Tracing;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;

/**
 * An order's global transaction on dtm-grpc's {@link TccRunner}: the order's gid and branches, and
 * the order table as the business record. The runner proves an acknowledged Submit through the order
 * row ({@link SubmitCheck}), writes the reason onto the TRYING row before an Abort (so the row is
 * never seen CANCELLED without saying why), and records the cancellation after it.
 */
public final class TccOrderTransactions implements OrderTransactions {
  /** The gid of order X is "seckill-" + X: the idempotency key of the whole transaction. */
  public static final String GID_PREFIX = "seckill-";

  private final TccRunner runner;
  private final Dtm dtm;
  private final OrderLedger ledger;
  private final BranchPlan plan;
  private final SubmitCheck submitCheck;

  /** Orders through {@code runner}, whose DTM is {@code dtm} (traced orders get a traced copy of it). */
  public TccOrderTransactions(TccRunner runner, Dtm dtm, OrderLedger ledger, BranchPlan plan, SubmitCheck submitCheck) {
    this.runner = runner.with(dtm);
    this.dtm = dtm;
    this.ledger = ledger;
    this.plan = plan;
    this.submitCheck = submitCheck;
  }

  /** The gid of {@code orderId}. */
  public static String gid(String orderId) {
    return GID_PREFIX + orderId;
  }

  /**
   * Inside an order's span (tracing on), every step is made with the span current, so its gRPC call
   * joins the order's trace whichever thread (a transport or the retry timer) makes it, and the
   * span's context rides as branch headers on DTM's Confirms and Cancels (docs/tracing.md).
   */
  @Override
  public CompletionStage<TccOutcome> run(OrderMessage order) {
    Context ctx = Context.current();
    boolean traced = Span.fromContext(ctx).getSpanContext().isValid();
    TccRunner r = traced ? runner.with(new ContextDtm(dtm.withBranchHeaders(Tracing.headers(ctx)), ctx)) : runner;
    OrderLedger l = traced ? (o, reason) -> within(ctx, () -> ledger.recordCancellation(o, reason)) : ledger;
    return CompletableFuture.completedFuture(order)
        .thenCompose(o -> r.run(gid(o.getOrderId()), plan.branches(o), new Hooks(o, l)));
  }

  /** The order table's part in the transaction. */
  private final class Hooks implements TccHooks {
    private final OrderMessage order;
    private final OrderLedger orders;

    Hooks(OrderMessage order, OrderLedger orders) {
      this.order = order;
      this.orders = orders;
    }

    @Override
    public CompletionStage<Boolean> submitStored() {
      return submitCheck.confirmed(order.getOrderId());
    }

    /**
     * One attempt, not retried, and only when the order branch's Try made the row: when order-rpc
     * cannot take it, DTM's Cancel cannot reach it either, and the record after the Abort stays
     * the one that must succeed.
     */
    @Override
    public CompletionStage<Void> beforeAbort(TccOutcome outcome, Set<String> held) {
      if (!held.contains(BranchPlan.ORDER_BRANCH)) {
        return CompletableFuture.completedFuture(null);
      }
      return orders.recordCancellation(order, outcome.reason()).thenApply(done -> null);
    }

    @Override
    public CompletionStage<Boolean> recordCancellation(String reason) {
      return orders.recordCancellation(order, reason);
    }
  }

  private static <T> CompletionStage<T> within(Context ctx, Supplier<CompletionStage<T>> call) {
    try (Scope s = ctx.makeCurrent()) {
      return call.get();
    }
  }

  /** A {@link Dtm} whose every call starts with {@code ctx} current. */
  private record ContextDtm(Dtm dtm, Context ctx) implements Dtm {
    @Override
    public CompletionStage<io.seckill.dtm.tcc.GlobalState> query(String gid) {
      return within(ctx, () -> dtm.query(gid));
    }

    @Override
    public CompletionStage<Void> prepare(String gid) {
      return within(ctx, () -> dtm.prepare(gid));
    }

    @Override
    public CompletionStage<Void> register(String gid, io.seckill.dtm.tcc.Branch branch) {
      return within(ctx, () -> dtm.register(gid, branch));
    }

    @Override
    public CompletionStage<Void> tryBranch(String gid, io.seckill.dtm.tcc.Branch branch) {
      return within(ctx, () -> dtm.tryBranch(gid, branch));
    }

    @Override
    public CompletionStage<Void> submit(String gid) {
      return within(ctx, () -> dtm.submit(gid));
    }

    @Override
    public CompletionStage<Void> abort(String gid, String reason) {
      return within(ctx, () -> dtm.abort(gid, reason));
    }

    @Override
    public Dtm withBranchHeaders(Map<String, String> headers) {
      return new ContextDtm(dtm.withBranchHeaders(headers), ctx);
    }
  }
}
