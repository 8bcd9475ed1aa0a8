package io.seckill.dtm.tcc;

import io.grpc.Status;
import io.seckill.dtm.client.DtmClient;
import io.seckill.dtm.client.DtmTransaction;
import io.seckill.dtm.client.TransOptions;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * {@link Dtm} over a {@link DtmClient}: sorts DTM's and the branches' gRPC statuses into
 * {@link TccFailure}s. ABORTED from DTM is a {@link TccFailure.Conflict}; ABORTED from a branch's
 * Try is a {@link TccFailure.Refusal}; a malformed-request status from a Try is a
 * {@link TccFailure.Rejection}; everything else is {@link TccFailure.Trouble}. Thread-safe.
 */
public final class GrpcDtm implements Dtm {
  private final DtmClient client;
  private final TransOptions options;
  private final Runnable onQuery;

  /** Steps through {@code client} with {@code options} on each call; {@code onQuery} is told of every status query. */
  public GrpcDtm(DtmClient client, TransOptions options, Runnable onQuery) {
    this.client = client;
    this.options = options;
    this.onQuery = onQuery;
  }

  /** Steps through {@code client} with {@code options}. */
  public GrpcDtm(DtmClient client, TransOptions options) {
    this(client, options, () -> { });
  }

  /**
   * The same, with {@code headers} added to the transaction's branch headers: DTM stores them at
   * Prepare and sends them as metadata on every Confirm and Cancel it makes (tracing context).
   */
  @Override
  public GrpcDtm withBranchHeaders(Map<String, String> headers) {
    if (headers.isEmpty()) {
      return this;
    }
    Map<String, String> all = new java.util.HashMap<>(options.branchHeaders());
    all.putAll(headers);
    return new GrpcDtm(client, options.withBranchHeaders(all), onQuery);
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
      return new GlobalState(t.status(), ids, t.rollbackReason());
    }), "query");
  }

  @Override
  public CompletionStage<Void> prepare(String gid) {
    return sort(client.prepare(gid, options), "prepare");
  }

  /**
   * DTM answers a duplicate (gid, branch, op) with UNKNOWN and the store's message
   * (docs/dtm-quirks.md Q3): an earlier attempt whose reply was lost may have registered it, so
   * the stored branches decide.
   */
  @Override
  public CompletionStage<Void> register(String gid, Branch branch) {
    return client.registerBranch(gid, branch.id(), branch.call()).handle((ok, error) -> {
      if (error == null) {
        return CompletableFuture.<Void>completedFuture(null);
      }
      if (Status.fromThrowable(error).getCode() != Status.Code.UNKNOWN) {
        return sort(CompletableFuture.<Void>failedFuture(error), "register");
      }
      return query(gid).thenCompose(state -> state.registeredBranches().contains(branch.id())
          ? CompletableFuture.<Void>completedFuture(null)
          : CompletableFuture.<Void>failedFuture(new TccFailure.Trouble("register: " + describe(error), error)));
    }).thenCompose(s -> s);
  }

  @Override
  public CompletionStage<Void> tryBranch(String gid, Branch branch) {
    return client.callTry(gid, branch.id(), branch.call(), options).handle((reply, error) -> {
      if (error == null) {
        return null;
      }
      Status st = Status.fromThrowable(Retries.cause(error));
      switch (st.getCode()) {
        case ABORTED:
          throw new TccFailure.Refusal(st.getDescription() == null ? "ABORTED" : st.getDescription(), error);
        case INVALID_ARGUMENT:
        case UNIMPLEMENTED:
        case PERMISSION_DENIED:
        case UNAUTHENTICATED:
        case OUT_OF_RANGE:
          // The branch says this request can never succeed; retrying only burns the Try budget.
          throw new TccFailure.Rejection(describe(error), error);
        default:
          throw new TccFailure.Trouble(describe(error), error);
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

  private static <T> CompletionStage<T> sort(CompletableFuture<T> call, String step) {
    return call.handle((value, error) -> {
      if (error == null) {
        return value;
      }
      Throwable c = Retries.cause(error);
      if (c instanceof TccFailure f) {
        throw f;
      }
      if (Status.fromThrowable(c).getCode() == Status.Code.ABORTED) {
        throw new TccFailure.Conflict(step + ": " + describe(c), c);
      }
      throw new TccFailure.Trouble(step + ": " + describe(c), c);
    });
  }

  private static String describe(Throwable error) {
    Throwable c = Retries.cause(error);
    Status st = Status.fromThrowable(c);
    if (st.getCode() == Status.Code.UNKNOWN && st.getDescription() == null) {
      return c.toString();
    }
    return st.getCode() + (st.getDescription() == null ? "" : ": " + st.getDescription());
  }
}
