package io.seckill.consumer;

import io.grpc.Status;
import io.opentelemetry.context.Context;
import io.seckill.dtm.client.DtmClient;
import io.seckill.dtm.client.DtmTransaction;
import io.seckill.dtm.client.GlobalStatus;
import io.seckill.dtm.client.TccBranch;
import io.seckill.dtm.client.TransOptions;
import io.seckill.runtime.tracing.Tracing;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * {@link Coordinator} over dtm-grpc's {@link DtmClient}, step by step (not its one-shot
 * {@code execute}), so the consumer controls retries, the Try budget and the crash-point seams.
 * Sorts DTM's answers: ABORTED from DTM is a {@link Refused} (status conflict), ABORTED from a
 * branch's Try is a {@link Refused} business refusal, a malformed-request status from a Try is
 * {@link Rejected}, everything else is {@link Trouble}.
 */
public final class DtmCoordinator implements Coordinator {
  private final DtmClient client;
  private final TransOptions options;
  private final Runnable onQuery;

  /** Steps through {@code client} with {@code options} (TimeoutToFail, RequestTimeout) on each call. */
  public DtmCoordinator(DtmClient client, TransOptions options) {
    this(client, options, () -> { });
  }

  /** As above; {@code onQuery} is told of every status query (metrics). */
  public DtmCoordinator(DtmClient client, TransOptions options, Runnable onQuery) {
    this.client = client;
    this.options = options;
    this.onQuery = onQuery;
  }

  /**
   * For one traced order: the transaction's options also carry the order span's W3C context as
   * branch headers. DTM stores them with the transaction at Prepare and sends them as metadata on
   * every Confirm and Cancel it makes, retries included, so those calls join the order's trace as
   * children of the consumer's span (docs/tracing.md). Our own Try calls carry them too, but the
   * client interceptor replaces them with the Try's own client span.
   */
  @Override
  public Coordinator within(Context ctx) {
    Map<String, String> trace = Tracing.headers(ctx);
    if (trace.isEmpty()) {
      return Coordinator.super.within(ctx);
    }
    Map<String, String> headers = new HashMap<>(options.branchHeaders());
    headers.putAll(trace);
    return new DtmCoordinator(client, options.withBranchHeaders(headers), onQuery).scoped(ctx);
  }

  private Coordinator scoped(Context ctx) {
    return Coordinator.super.within(ctx);
  }

  @Override
  public CompletionStage<GlobalState> query(String gid) {
    onQuery.run();
    return sort(client.query(gid).thenApply(found -> {
      if (found.isEmpty()) {
        return GlobalState.none();
      }
      DtmTransaction t = found.get();
      Set<String> ids = new HashSet<>();
      t.branches().forEach(b -> ids.add(b.branchId()));
      return new GlobalState(status(t.status()), Set.copyOf(ids), t.rollbackReason() == null ? "" : t.rollbackReason());
    }), "query");
  }

  @Override
  public CompletionStage<Void> prepare(String gid) {
    return sort(client.prepare(gid, options), "prepare");
  }

  @Override
  public CompletionStage<Void> register(String gid, Branch branch) {
    CompletableFuture<Void> call = client.registerBranch(gid, branch.id(), tcc(branch));
    return call.handle((ok, error) -> {
      if (error == null) {
        return CompletableFuture.<Void>completedFuture(null);
      }
      if (Status.fromThrowable(error).getCode() != Status.Code.UNKNOWN) {
        return sort(CompletableFuture.<Void>failedFuture(error), "register");
      }
      // DTM answers a duplicate (gid, branch, op) with UNKNOWN: an earlier attempt whose reply was
      // lost may have registered it. The stored branches decide.
      return query(gid).thenCompose(state -> state.registeredBranches().contains(branch.id())
          ? CompletableFuture.<Void>completedFuture(null)
          : CompletableFuture.<Void>failedFuture(new Trouble("register: " + describe(error), error)));
    }).thenCompose(s -> s);
  }

  @Override
  public CompletionStage<Void> tryBranch(String gid, Branch branch) {
    return client.callTry(gid, branch.id(), tcc(branch), options).handle((reply, error) -> {
      if (error == null) {
        return null;
      }
      Status st = Status.fromThrowable(error);
      switch (st.getCode()) {
        case ABORTED:
          throw new Refused(st.getDescription() == null ? "ABORTED" : st.getDescription(), error);
        case INVALID_ARGUMENT:
        case UNIMPLEMENTED:
        case PERMISSION_DENIED:
        case UNAUTHENTICATED:
        case OUT_OF_RANGE:
          // The branch says this request can never succeed; retrying only burns the Try budget.
          throw new Rejected(describe(error), error);
        default:
          throw new Trouble(describe(error), error);
      }
    });
  }

  @Override
  public CompletionStage<Void> submit(String gid) {
    return sort(client.submit(gid, options), "submit");
  }

  @Override
  public CompletionStage<Void> abort(String gid, String reason) {
    return sort(client.abort(gid, reason, options), "abort");
  }

  private static TccBranch tcc(Branch b) {
    return TccBranch.of(b.target(), b.service(), b.payload());
  }

  private static <T> CompletionStage<T> sort(CompletableFuture<T> call, String step) {
    return call.handle((value, error) -> {
      if (error == null) {
        return value;
      }
      Throwable c = Retrier.cause(error);
      if (c instanceof Refused || c instanceof Trouble) {
        throw (RuntimeException) c;
      }
      if (Status.fromThrowable(c).getCode() == Status.Code.ABORTED) {
        throw new Refused(step + ": " + describe(c), c);
      }
      throw new Trouble(step + ": " + describe(c), c);
    });
  }

  private static String describe(Throwable error) {
    Throwable c = Retrier.cause(error);
    Status st = Status.fromThrowable(c);
    if (st.getCode() == Status.Code.UNKNOWN && st.getDescription() == null) {
      return c.toString();
    }
    return st.getCode() + (st.getDescription() == null ? "" : ": " + st.getDescription());
  }

  private static GlobalState.Status status(GlobalStatus s) {
    return switch (s) {
      case PREPARED -> GlobalState.Status.PREPARED;
      case SUBMITTED -> GlobalState.Status.SUBMITTED;
      case SUCCEED -> GlobalState.Status.SUCCEED;
      case ABORTING -> GlobalState.Status.ABORTING;
      case FAILED -> GlobalState.Status.FAILED;
    };
  }
}
