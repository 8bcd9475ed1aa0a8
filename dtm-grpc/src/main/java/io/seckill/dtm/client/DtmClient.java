package io.seckill.dtm.client;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.protobuf.ByteString;
import com.google.protobuf.Empty;
import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientInterceptors;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.MetadataUtils;
import io.grpc.stub.StreamObserver;
import io.seckill.dtm.DtmHeaders;
import io.seckill.dtm.BranchOp;
import io.seckill.dtm.RawBytes;
import io.seckill.dtm.proto.DtmBranchRequest;
import io.seckill.dtm.proto.DtmGidReply;
import io.seckill.dtm.proto.DtmGrpc;
import io.seckill.dtm.proto.DtmRequest;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The caller side of DTM TCC over gRPC. One instance per process: it holds one channel to DTM and
 * one per branch target (cached by {@code host:port}), and every operation is asynchronous, so many
 * transactions can be in flight without a thread each. Thread-safe.
 */
public final class DtmClient implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(DtmClient.class);
  private static final Pattern GID = Pattern.compile("[A-Za-z0-9_.:\\-]{1,128}");
  // The Abort reason names the refusing branch, so a rerun of the gid can report the same Refused.
  private static final Pattern REFUSED_REASON = Pattern.compile("refused ([^ ]+) (.+)");
  private static final MethodDescriptor.Marshaller<byte[]> BYTES = RawBytes.MARSHALLER;

  private final DtmClientConfig config;
  private final Function<String, ManagedChannel> channelFactory;
  private final ManagedChannel dtmChannel;
  private final DtmGrpc.DtmStub dtm;
  private final Map<String, ManagedChannel> branchChannels = new ConcurrentHashMap<>();
  private final Map<String, MethodDescriptor<byte[], byte[]>> rawMethods = new ConcurrentHashMap<>();
  private final HttpClient http;
  private final ObjectMapper json = new ObjectMapper();

  /**
   * A client that opens plain-text channels to DTM and branches. The channels run callbacks on
   * their transport threads ({@code directExecutor}): every operation of this client is
   * asynchronous, so continuations attached to its futures must not block (hand blocking work to
   * an executor of your own). That saves a thread hand-off per call.
   */
  public static DtmClient connect(DtmClientConfig config) {
    return new DtmClient(config,
        target -> Grpc.newChannelBuilder(target, InsecureChannelCredentials.create()).directExecutor().build());
  }

  /** A client whose channels (to DTM's target and to each branch target) come from {@code channelFactory}. */
  public DtmClient(DtmClientConfig config, Function<String, ManagedChannel> channelFactory) {
    this.config = Objects.requireNonNull(config, "config");
    this.channelFactory = Objects.requireNonNull(channelFactory, "channelFactory");
    this.dtmChannel = channelFactory.apply(config.grpcTarget());
    this.dtm = DtmGrpc.newStub(dtmChannel);
    this.http = HttpClient.newBuilder().connectTimeout(config.callTimeout()).build();
  }

  /** The configuration this client uses. */
  public DtmClientConfig config() {
    return config;
  }

  // ---------------------------------------------------------------- the whole transaction

  /**
   * Runs a TCC global transaction: Prepare {@code gid}, register and Try each branch (ids "01",
   * "02", ... in list order; branches run concurrently), then Submit, or Abort when a Try failed.
   * The gid is the caller's idempotency key: running the same gid again converges to the same
   * outcome (see README). The future never completes exceptionally: trouble is {@link TccResult.Unknown}.
   */
  public CompletableFuture<TccResult> execute(String gid, List<TccBranch> branches, TransOptions options) {
    requireGid(gid);
    Objects.requireNonNull(options, "options");
    if (branches == null || branches.isEmpty() || branches.size() > 99) {
      throw new IllegalArgumentException("a TCC transaction needs 1-99 branches");
    }
    List<TccBranch> list = List.copyOf(branches);
    return prepare(gid, options)
        .handle((v, e) -> e == null ? null : unwrap(e))
        .thenCompose(e -> e != null
            ? settleFromStatus(gid, e)
            : tryAll(gid, list, options))
        .exceptionally(e -> new TccResult.Unknown(gid, unwrap(e)));
  }

  private CompletableFuture<TccResult> tryAll(String gid, List<TccBranch> branches, TransOptions options) {
    List<CompletableFuture<Throwable>> tries = new ArrayList<>();
    for (int i = 0; i < branches.size(); i++) {
      String branchId = branchId(i + 1);
      TccBranch b = branches.get(i);
      tries.add(registerIdempotent(gid, branchId, b)
          .thenCompose(v -> callTry(gid, branchId, b, options))
          .handle((v, e) -> e == null ? null : unwrap(e)));
    }
    // Wait for every Try (each bounded by its deadline) before deciding: aborting while a Try is
    // still running is safe thanks to the barrier, but it turns a normal Try into a hanging one.
    return CompletableFuture.allOf(tries.toArray(CompletableFuture[]::new)).thenCompose(v -> {
      String refusedBranch = null;
      String refusal = null;
      String failedBranch = null;
      Throwable failure = null;
      for (int i = 0; i < tries.size(); i++) {
        Throwable e = tries.get(i).join();
        if (e == null) {
          continue;
        }
        Status st = Status.fromThrowable(e);
        if (st.getCode() == Status.Code.ABORTED && refusedBranch == null && e instanceof TryFailure) {
          refusedBranch = branchId(i + 1);
          refusal = st.getDescription() == null ? "ABORTED" : st.getDescription();
        } else if (failure == null) {
          failedBranch = branchId(i + 1);
          failure = e;
        }
      }
      if (refusedBranch == null && failure == null) {
        return submitAndSettle(gid, options);
      }
      String reason = refusedBranch != null
          ? "refused " + refusedBranch + " " + refusal
          : "try-error " + failedBranch + " " + describe(failure);
      String rb = refusedBranch;
      String why = refusal;
      Throwable cause = failure;
      return abort(gid, reason, options).handle((x, e) -> e == null ? null : unwrap(e)).thenCompose(e -> {
        if (e != null) {
          return settleFromStatus(gid, e);
        }
        return CompletableFuture.completedFuture(rb != null
            ? new TccResult.Refused(gid, rb, why)
            : (TccResult) new TccResult.RolledBack(gid, GlobalStatus.ABORTING, reason));
      }).thenApply(r -> {
        if (cause != null && !(r instanceof TccResult.Refused)) {
          log.warn("gid {}: branch {} Try failed ({}), transaction rolled back", gid, failedBranchOf(reason), describe(cause));
        }
        return r;
      });
    });
  }

  private static String failedBranchOf(String reason) {
    String[] parts = reason.split(" ", 3);
    return parts.length > 1 ? parts[1] : "?";
  }

  /**
   * Submits and reports what DTM stored. DTM v1.19.0 acknowledges a Submit without WaitResult even
   * when it could not write the new status (its storage was unreachable): the gid stays prepared
   * until DTM's timeout cancels it. So an acknowledged plain Submit is checked with one query, and
   * one found still prepared is submitted again with WaitResult, whose failures are reported.
   */
  private CompletableFuture<TccResult> submitAndSettle(String gid, TransOptions options) {
    return submit(gid, options).handle((v, e) -> e == null ? null : unwrap(e)).thenCompose(e -> {
      if (e != null) {
        return settleFromStatus(gid, e);
      }
      if (options.waitResult()) {
        return CompletableFuture.completedFuture(new TccResult.Committed(gid, GlobalStatus.SUCCEED));
      }
      return query(gid).thenCompose(found -> found.isPresent() && found.get().status() == GlobalStatus.PREPARED
          ? submitAndSettle(gid, options.withWaitResult(true))
          : CompletableFuture.completedFuture(fromStatus(gid, found, new IllegalStateException(
              "Submit acknowledged; DTM reports " + found.map(t -> t.status().toString()).orElse("no such gid")))));
    });
  }

  /** After DTM refused an operation (or could not be reached), the stored status decides the result. */
  private CompletableFuture<TccResult> settleFromStatus(String gid, Throwable error) {
    return query(gid).handle((found, qe) -> qe != null
        ? new TccResult.Unknown(gid, error)
        : fromStatus(gid, found, error));
  }

  /** The result DTM's stored status {@code found} stands for; {@code error} when it decides nothing. */
  private static TccResult fromStatus(String gid, Optional<DtmTransaction> found, Throwable error) {
    if (found.isEmpty()) {
      return new TccResult.Unknown(gid, error);
    }
    DtmTransaction t = found.get();
    if (t.status().isCommitted()) {
      return new TccResult.Committed(gid, t.status());
    }
    if (t.status().isRolledBack()) {
      Matcher m = REFUSED_REASON.matcher(t.rollbackReason() == null ? "" : t.rollbackReason());
      if (m.matches()) {
        return new TccResult.Refused(gid, m.group(1), m.group(2));
      }
      return new TccResult.RolledBack(gid, t.status(),
          t.rollbackReason() == null || t.rollbackReason().isEmpty() ? "timed out or aborted" : t.rollbackReason());
    }
    return new TccResult.Unknown(gid, error);
  }

  /**
   * RegisterBranch, treating "already registered with the same addresses" (a rerun) as success
   * (docs/dtm-quirks.md Q3).
   */
  private CompletableFuture<Void> registerIdempotent(String gid, String branchId, TccBranch b) {
    return registerBranch(gid, branchId, b).handle((v, e) -> e == null ? null : unwrap(e)).thenCompose(e -> {
      if (e == null) {
        return CompletableFuture.<Void>completedFuture(null);
      }
      if (Status.fromThrowable(e).getCode() != Status.Code.UNKNOWN) {
        return CompletableFuture.<Void>failedFuture(e);
      }
      // DTM reports a duplicate (gid, branch, op) as UNKNOWN with the store's message; check the facts.
      return query(gid).thenCompose(found -> {
        boolean same = found.isPresent()
            && b.url(BranchOp.CONFIRM).equals(urlOf(found.get(), branchId, "confirm"))
            && b.url(BranchOp.CANCEL).equals(urlOf(found.get(), branchId, "cancel"));
        return same ? CompletableFuture.<Void>completedFuture(null) : CompletableFuture.<Void>failedFuture(e);
      });
    });
  }

  private static String urlOf(DtmTransaction t, String branchId, String op) {
    for (DtmTransaction.Branch br : t.branches()) {
      if (br.branchId().equals(branchId) && br.op().equals(op)) {
        return br.url();
      }
    }
    return null;
  }

  // ---------------------------------------------------------------- single protocol steps

  /** A gid generated by DTM (callers that need idempotent reruns choose their own instead). */
  public CompletableFuture<String> newGid() {
    StreamFuture<DtmGidReply> f = new StreamFuture<>();
    dtmStub().newGid(Empty.getDefaultInstance(), f);
    return f.thenApply(DtmGidReply::getGid);
  }

  /** Prepare: creates the global transaction in status prepared (OK again while still prepared). */
  public CompletableFuture<Void> prepare(String gid, TransOptions options) {
    return dtmCall(gid, options, "", (req, f) -> dtmStub().prepare(req, f));
  }

  /** RegisterBranch: records the branch's Confirm and Cancel addresses and its payload. */
  public CompletableFuture<Void> registerBranch(String gid, String branchId, TccBranch branch) {
    requireGid(gid);
    DtmBranchRequest req = DtmBranchRequest.newBuilder()
        .setGid(gid)
        .setTransType(DtmHeaders.TCC)
        .setBranchID(branchId)
        .putData(BranchOp.CONFIRM.wire(), branch.url(BranchOp.CONFIRM))
        .putData(BranchOp.CANCEL.wire(), branch.url(BranchOp.CANCEL))
        .setBusiPayload(ByteString.copyFrom(branch.payloadNoCopy()))
        .build();
    StreamFuture<Empty> f = new StreamFuture<>();
    dtmStub().registerBranch(req, f);
    return f.thenApply(x -> null);
  }

  /**
   * Calls the branch's Try with the {@code dtm-*} metadata (op try, dtm = DTM's address) and the
   * branch headers, as raw bytes. Fails with a {@link StatusRuntimeException}; ABORTED = refusal.
   */
  public CompletableFuture<byte[]> callTry(String gid, String branchId, TccBranch branch, TransOptions options) {
    requireGid(gid);
    Metadata md = new Metadata();
    md.put(DtmHeaders.GID, gid);
    md.put(DtmHeaders.TRANS_TYPE, DtmHeaders.TCC);
    md.put(DtmHeaders.BRANCH_ID, branchId);
    md.put(DtmHeaders.OP, BranchOp.TRY.wire());
    md.put(DtmHeaders.DTM, config.grpcTarget());
    options.branchHeaders().forEach((k, v) -> md.put(Metadata.Key.of(k, Metadata.ASCII_STRING_MARSHALLER), v));
    Channel ch = ClientInterceptors.intercept(branchChannel(branch.target()),
        MetadataUtils.newAttachHeadersInterceptor(md));
    CallOptions co = CallOptions.DEFAULT.withDeadlineAfter(options.tryDeadline().toMillis(), TimeUnit.MILLISECONDS);
    StreamFuture<byte[]> f = new StreamFuture<>();
    ClientCalls.asyncUnaryCall(ch.newCall(rawMethod(branch.tryMethod()), co), branch.payloadNoCopy(), f);
    return f.handle((r, e) -> {
      if (e != null) {
        throw new TryFailure(unwrap(e));
      }
      return r;
    });
  }

  /** Submit: commits; DTM then calls every Confirm (before returning, with WaitResult). */
  public CompletableFuture<Void> submit(String gid, TransOptions options) {
    return dtmCall(gid, options, "", (req, f) -> dtmStub().submit(req, f));
  }

  /**
   * Submits a Saga of {@code steps}, run in order. DTM calls each action until it succeeds; an
   * action that answers ABORTED ends the saga, and DTM runs the compensations of the steps it
   * reached. With {@code options.waitResult()} the future completes normally only once the saga
   * succeeded; it fails with ABORTED both when the saga was rolled back (the refusing step's message)
   * and when a step failed once and DTM goes on retrying it in the background, so a caller that must
   * know which asks {@link #query}. Submitting a gid that DTM already finished fails with ABORTED
   * too ("current status 'succeed'"); see {@link #isFinishedElsewhere}.
   */
  public CompletableFuture<Void> submitSaga(String gid, List<SagaStep> steps, TransOptions options) {
    requireGid(gid);
    if (steps == null || steps.isEmpty()) {
      throw new IllegalArgumentException("a saga needs at least one step");
    }
    List<Map<String, String>> json = new ArrayList<>();
    DtmRequest.Builder req = DtmRequest.newBuilder()
        .setGid(gid)
        .setTransType(DtmHeaders.SAGA)
        .setTransOptions(options.toProto());
    for (SagaStep step : steps) {
      json.add(Map.of("action", step.actionUrl(), "compensate", step.compensateUrl()));
      req.addBinPayloads(ByteString.copyFrom(step.payload()));
    }
    try {
      req.setSteps(this.json.writeValueAsString(json));
    } catch (IOException e) {
      throw new IllegalStateException("cannot encode saga steps", e);
    }
    StreamFuture<Empty> f = new StreamFuture<>();
    dtmStub().submit(req.build(), f);
    return f.thenApply(x -> null);
  }

  /**
   * True when {@code failure} is DTM refusing a Submit because the gid already finished (succeeded
   * or failed) by an earlier Submit, e.g. of another instance: the work is not to be done again.
   */
  public static boolean isFinishedElsewhere(Throwable failure) {
    Status st = Status.fromThrowable(unwrap(failure));
    String d = st.getDescription() == null ? "" : st.getDescription();
    return st.getCode() == Status.Code.ABORTED && d.contains("current status") && d.contains("cannot sumbmit");
  }

  /** Abort: rolls back with {@code reason}; DTM then calls every registered Cancel. */
  public CompletableFuture<Void> abort(String gid, String reason, TransOptions options) {
    String r = reason == null ? "" : reason.length() > 1000 ? reason.substring(0, 1000) : reason;
    return dtmCall(gid, options, r, (req, f) -> dtmStub().abort(req, f));
  }

  /** The transaction as DTM's HTTP query API reports it; empty when DTM does not know the gid. */
  public CompletableFuture<Optional<DtmTransaction>> query(String gid) {
    requireGid(gid);
    URI uri = config.httpBase().resolve("/api/dtmsvr/query?gid=" + URLEncoder.encode(gid, StandardCharsets.UTF_8));
    HttpRequest req = HttpRequest.newBuilder(uri).timeout(config.callTimeout()).GET().build();
    return http.sendAsync(req, HttpResponse.BodyHandlers.ofByteArray()).thenApply(resp -> {
      if (resp.statusCode() != 200) {
        throw new CompletionException(new IOException(
            "DTM query " + gid + " answered HTTP " + resp.statusCode() + ": " + new String(resp.body(), StandardCharsets.UTF_8)));
      }
      try {
        return parseQuery(json.readTree(resp.body()));
      } catch (IOException e) {
        throw new CompletionException(e);
      }
    });
  }

  /**
   * Operator tool: DTM's forceStop marks an unfinished transaction failed WITHOUT running its
   * Cancels (branch resources stay as they are). For stuck transactions only.
   */
  public CompletableFuture<Void> forceStop(String gid) {
    requireGid(gid);
    String body = json.createObjectNode().put("gid", gid).toString();
    HttpRequest req = HttpRequest.newBuilder(config.httpBase().resolve("/api/dtmsvr/forceStop"))
        .timeout(config.callTimeout())
        .header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(body)).build();
    return http.sendAsync(req, HttpResponse.BodyHandlers.ofString()).thenApply(resp -> {
      if (resp.statusCode() != 200) {
        throw new CompletionException(new IOException(
            "DTM forceStop " + gid + " answered HTTP " + resp.statusCode() + ": " + resp.body()));
      }
      return null;
    });
  }

  static Optional<DtmTransaction> parseQuery(JsonNode root) {
    JsonNode t = root.path("transaction");
    if (t.isMissingNode() || t.isNull() || t.path("gid").asText("").isEmpty()) {
      return Optional.empty();
    }
    List<DtmTransaction.Branch> branches = new ArrayList<>();
    for (JsonNode b : root.path("branches")) {
      branches.add(new DtmTransaction.Branch(b.path("branch_id").asText(), b.path("op").asText(),
          b.path("status").asText(), b.path("url").asText()));
    }
    return Optional.of(new DtmTransaction(t.path("gid").asText(), t.path("trans_type").asText(),
        GlobalStatus.fromWire(t.path("status").asText()), t.path("rollback_reason").asText(""), branches));
  }

  /** The same as {@link #query} but blocking, for tools and tests. */
  public Optional<DtmTransaction> queryNow(String gid) throws IOException, InterruptedException {
    try {
      return query(gid).get();
    } catch (ExecutionException e) {
      Throwable c = unwrap(e);
      throw c instanceof IOException io ? io : new IOException(c);
    }
  }

  /** Closes the channel to DTM and every branch channel. */
  @Override
  public void close() {
    List<ManagedChannel> all = new ArrayList<>(branchChannels.values());
    all.add(dtmChannel);
    all.forEach(ManagedChannel::shutdown);
    for (ManagedChannel ch : all) {
      try {
        if (!ch.awaitTermination(5, TimeUnit.SECONDS)) {
          ch.shutdownNow();
        }
      } catch (InterruptedException e) {
        ch.shutdownNow();
        Thread.currentThread().interrupt();
      }
    }
  }

  // ---------------------------------------------------------------- plumbing

  /** The branch ids DTM and this client use: "01", "02", ... */
  public static String branchId(int n) {
    return String.format("%02d", n);
  }

  private DtmGrpc.DtmStub dtmStub() {
    return dtm.withDeadlineAfter(config.callTimeout().toMillis(), TimeUnit.MILLISECONDS);
  }

  private interface DtmOp {
    void call(DtmRequest req, StreamObserver<Empty> observer);
  }

  private CompletableFuture<Void> dtmCall(String gid, TransOptions options, String reason, DtmOp op) {
    requireGid(gid);
    DtmRequest req = DtmRequest.newBuilder()
        .setGid(gid)
        .setTransType(DtmHeaders.TCC)
        .setTransOptions(options.toProto())
        .setRollbackReason(reason)
        .build();
    StreamFuture<Empty> f = new StreamFuture<>();
    op.call(req, f);
    return f.thenApply(x -> null);
  }

  private ManagedChannel branchChannel(String target) {
    return branchChannels.computeIfAbsent(target, channelFactory);
  }

  private MethodDescriptor<byte[], byte[]> rawMethod(String fullName) {
    return rawMethods.computeIfAbsent(fullName, n -> MethodDescriptor.<byte[], byte[]>newBuilder()
        .setType(MethodDescriptor.MethodType.UNARY)
        .setFullMethodName(n)
        .setRequestMarshaller(BYTES)
        .setResponseMarshaller(BYTES)
        .build());
  }

  private static void requireGid(String gid) {
    if (gid == null || !GID.matcher(gid).matches()) {
      throw new IllegalArgumentException("gid must be 1-128 chars of [A-Za-z0-9_.:-], got '" + gid + "'");
    }
  }

  private static String describe(Throwable e) {
    Status st = Status.fromThrowable(e);
    return st.getCode() + (st.getDescription() == null ? "" : ": " + st.getDescription());
  }

  static Throwable unwrap(Throwable e) {
    Throwable t = e;
    while ((t instanceof CompletionException || t instanceof ExecutionException || t instanceof TryFailure)
        && t.getCause() != null) {
      if (t instanceof TryFailure) {
        return t;
      }
      t = t.getCause();
    }
    return t;
  }

  /** A failed Try call, kept apart from DTM's own ABORTED replies (which mean "status conflict"). */
  static final class TryFailure extends RuntimeException {
    private static final long serialVersionUID = 1L;

    TryFailure(Throwable cause) {
      super(cause.getMessage(), cause, false, false);
    }
  }

  /** A unary StreamObserver completing a CompletableFuture. */
  private static final class StreamFuture<T> extends CompletableFuture<T> implements StreamObserver<T> {
    private T value;

    @Override
    public void onNext(T v) {
      value = v;
    }

    @Override
    public void onError(Throwable t) {
      completeExceptionally(t);
    }

    @Override
    public void onCompleted() {
      complete(value);
    }
  }

}
