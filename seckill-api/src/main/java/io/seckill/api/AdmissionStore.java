package io.seckill.api;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;
import org.redisson.api.RScript;
import org.redisson.api.RedissonClient;
import org.redisson.client.RedisNoScriptException;
import org.redisson.client.codec.StringCodec;
import org.redisson.client.protocol.ScoredEntry;

/**
 * Flash-sale admission state in Redis. Every change runs as a Lua script (EVALSHA, loaded once), so
 * each is atomic; all keys of one product share the hash tag {@code {productId}}.
 *
 * <p>Keys per product p: {@code seckill:sale:{p}} (hash: open, left, price, initial, epoch,
 * loadedAt), {@code seckill:users:{p}} (userId -> orderId of the live admission),
 * {@code seckill:pending:{p}} (orderIds not yet final, scored by admit time),
 * {@code seckill:adm:{p}} (orderId -> userId:quantity:couponId:admittedAtMillis),
 * {@code seckill:state:{p}} (orderId -> A|Q|F|C|E), {@code seckill:rate:{p}:u} (rate counter);
 * and {@code seckill:sales}, the set of products that ever had a sale.
 */
public final class AdmissionStore {
  /** The set of products that ever had a sale. */
  public static final String SALES_KEY = "seckill:sales";

  // One generator per thread: the admission path runs on many Netty threads at once.
  private static final ThreadLocal<SecureRandom> RANDOM = ThreadLocal.withInitial(SecureRandom::new);

  private final RedissonClient redis;
  private final RScript script;
  private final Map<String, String> shas = new ConcurrentHashMap<>();
  private final Map<String, String> sources;

  /** A store over {@code redis}; loads the scripts at once so a bad script fails start-up. */
  public AdmissionStore(RedissonClient redis) {
    this.redis = redis;
    this.script = redis.getScript(StringCodec.INSTANCE);
    this.sources = Map.of(
        "admit", resource("admit"), "release", resource("release"), "finalize", resource("finalize"), "expire", resource("expire"),
        "queued", resource("queued"), "open", resource("open"));
    sources.keySet().forEach(this::load);
  }

  /** The outcome of one admission attempt. */
  public enum Outcome { ADMITTED, CLOSED, RATE_LIMITED, ALREADY, SOLD_OUT }

  /** What the admission script answered; {@code orderId} is set for ADMITTED and ALREADY. */
  public record Admission(Outcome outcome, String orderId, long left, long priceCents) {}

  /** One admission as Redis holds it. */
  public record AdmissionRecord(String orderId, long productId, long userId, int quantity, long couponId,
      long admittedAtMillis, char state) {}

  /** A product's sale as Redis holds it. */
  public record Sale(long productId, boolean open, long left, long priceCents, long initial, long loadedAt) {}

  /**
   * Checks and takes {@code quantity} slots for {@code userId} in one atomic step, minting the orderId.
   * A rate limit of 0 disables the per-user counter.
   */
  public Admission admit(long userId, long productId, int quantity, long couponId, long nowMillis,
      int rateLimit, long rateWindowMs) {
    return join(admitAsync(userId, productId, quantity, couponId, nowMillis, rateLimit, rateWindowMs));
  }

  /**
   * {@link #admit} without waiting: the script runs through Redisson's async API and the stage
   * completes on Redisson's I/O thread (a RedisException when Redis failed or timed out).
   */
  public CompletionStage<Admission> admitAsync(long userId, long productId, int quantity, long couponId,
      long nowMillis, int rateLimit, long rateWindowMs) {
    String p = tag(productId);
    String user = Long.toString(userId);
    List<Object> keys = List.of(saleKey(p), usersKey(p), pendingKey(p), admKey(p), stateKey(p),
        "seckill:rate:" + p + ":" + user);
    CompletionStage<List<Object>> r = evalAsync("admit", RScript.ReturnType.MULTI, keys, user,
        Integer.toString(quantity), Long.toString(couponId), Long.toString(nowMillis),
        Integer.toString(rateLimit), Long.toString(rateWindowMs), Long.toString(productId), randomSuffix());
    return r.thenApply(AdmissionStore::admission);
  }

  /** 128 bits from a per-thread DRBG as 32 hex digits: the unguessable part of an order id. */
  static String randomSuffix() {
    byte[] b = new byte[16];
    RANDOM.get().nextBytes(b);
    return HexFormat.of().formatHex(b);
  }

  private static Admission admission(List<Object> r) {
    String code = String.valueOf(r.get(0));
    switch (code) {
      case "OK":
        return new Admission(Outcome.ADMITTED, (String) r.get(1), Long.parseLong((String) r.get(2)),
            Long.parseLong((String) r.get(3)));
      case "ALREADY":
        return new Admission(Outcome.ALREADY, (String) r.get(1), -1, 0);
      case "SOLD_OUT":
        return new Admission(Outcome.SOLD_OUT, null, Long.parseLong((String) r.get(1)), 0);
      case "RATE_LIMITED":
        return new Admission(Outcome.RATE_LIMITED, null, -1, 0);
      case "CLOSED":
        return new Admission(Outcome.CLOSED, null, -1, 0);
      default:
        throw new IllegalStateException("admit.lua answered " + r);
    }
  }

  /**
   * Undoes an admission whose message never reached Kafka: slots and mark back, record dropped.
   * Idempotency key: the orderId (the pending-set entry is removed once).
   */
  public boolean releaseUnpublished(String orderId) {
    return join(releaseUnpublishedAsync(orderId));
  }

  /** {@link #releaseUnpublished} without waiting; true when this call gave the slots back. */
  public CompletionStage<Boolean> releaseUnpublishedAsync(String orderId) {
    return releaseAsync(orderId, "drop");
  }

  /**
   * Gives back the slots and mark of an admission whose order ended CANCELLED, keeping the record
   * as C. Idempotency key: the orderId; a second call (any instance) releases nothing.
   */
  public boolean releaseCancelled(String orderId) {
    return release(orderId, "C");
  }

  /** {@link #releaseCancelled} without waiting; true when this call gave the slots back. */
  public CompletionStage<Boolean> releaseCancelledAsync(String orderId) {
    return releaseAsync(orderId, "C");
  }

  private boolean release(String orderId, String mode) {
    return join(releaseAsync(orderId, mode));
  }

  private CompletionStage<Boolean> releaseAsync(String orderId, String mode) {
    String p = tag(productOf(orderId));
    CompletionStage<Long> r = evalAsync("release", RScript.ReturnType.INTEGER,
        List.of(saleKey(p), usersKey(p), pendingKey(p), admKey(p), stateKey(p)), orderId, mode);
    return r.thenApply(n -> n != null && n == 1L);
  }

  /**
   * Gives a still-pending admission's slots and mark back because its order EXPIRED before the
   * reconciler saw it CONFIRMED; keeps it as E. Idempotency key: the orderId, like a cancellation.
   */
  public boolean releaseExpired(String orderId) {
    return join(releaseAsync(orderId, "E"));
  }

  /**
   * Gives the slots and the buyer's mark of an EXPIRED order back to its sale and marks its admission
   * E: a final admission (F, its order was CONFIRMED), or one still pending (the reconciler had not
   * settled it; the pending-set gate it shares with the reconciler makes that once too). Idempotency
   * key: the orderId (-> E happens once); an order Redis never admitted is left alone. True when this
   * call released.
   */
  public boolean expireFinal(String orderId) {
    long productId;
    try {
      productId = productOf(orderId);
    } catch (IllegalArgumentException e) {
      return false;
    }
    String p = tag(productId);
    Long r = eval("expire", RScript.ReturnType.INTEGER,
        List.of(saleKey(p), usersKey(p), admKey(p), stateKey(p), pendingKey(p)), orderId);
    return r != null && r == 1L;
  }

  /** Marks a pending admission final (its order is CONFIRMED or PAID); true the first time. */
  public boolean finalizeConfirmed(String orderId) {
    String p = tag(productOf(orderId));
    Long r = eval("finalize", RScript.ReturnType.INTEGER, List.of(pendingKey(p), stateKey(p)), orderId);
    return r != null && r == 1L;
  }

  /** Records that Kafka acknowledged the order's message (A -> Q). */
  public void markQueued(String orderId) {
    join(markQueuedAsync(orderId));
  }

  private static final int MARK_BATCH = 1000;
  private final ConcurrentLinkedQueue<QueuedMark> marks = new ConcurrentLinkedQueue<>();
  private final AtomicBoolean markFlushing = new AtomicBoolean();

  /**
   * {@link #markQueued} without waiting. Marks are written in batches: while one batch is on its way
   * to Redis the next one gathers (no timer, so a lone ack is written at once), one script call per
   * product and batch. The stage completes once this mark's batch was written, or failed.
   */
  public CompletionStage<Void> markQueuedAsync(String orderId) {
    QueuedMark m = new QueuedMark(orderId, tag(productOf(orderId)), new CompletableFuture<>());
    marks.add(m);
    if (markFlushing.compareAndSet(false, true)) {
      flushMarks();
    }
    return m.done();
  }

  private record QueuedMark(String orderId, String productTag, CompletableFuture<Void> done) {}

  /** Writes the gathered marks, then the ones gathered meanwhile; one batch in flight at a time. */
  private void flushMarks() {
    Map<String, List<QueuedMark>> byProduct = new HashMap<>();
    QueuedMark m;
    int n = 0;
    while (n < MARK_BATCH && (m = marks.poll()) != null) {
      byProduct.computeIfAbsent(m.productTag(), k -> new ArrayList<>()).add(m);
      n++;
    }
    if (n == 0) {
      markFlushing.set(false);
      // An ack may have been added after the poll and before the flag was cleared.
      if (!marks.isEmpty() && markFlushing.compareAndSet(false, true)) {
        flushMarks();
      }
      return;
    }
    List<CompletableFuture<?>> writes = new ArrayList<>(byProduct.size());
    for (Map.Entry<String, List<QueuedMark>> e : byProduct.entrySet()) {
      List<QueuedMark> group = e.getValue();
      Object[] ids = new Object[group.size()];
      for (int i = 0; i < ids.length; i++) {
        ids[i] = group.get(i).orderId();
      }
      CompletableFuture<Long> w;
      try {
        w = this.<Long>evalAsync("queued", RScript.ReturnType.INTEGER, List.of(stateKey(e.getKey())), ids)
            .toCompletableFuture();
      } catch (RuntimeException ex) {
        w = CompletableFuture.failedFuture(ex);
      }
      writes.add(w.whenComplete((r, ex) -> {
        for (QueuedMark q : group) {
          if (ex == null) {
            q.done().complete(null);
          } else {
            q.done().completeExceptionally(cause(ex));
          }
        }
      }));
    }
    CompletableFuture.allOf(writes.toArray(CompletableFuture[]::new)).whenComplete((r, ex) -> flushMarks());
  }

  /** Opens the sale of {@code productId} with {@code left} slots at {@code priceCents}. */
  public void openSale(long productId, long left, long priceCents, long initial, long nowMillis) {
    String p = tag(productId);
    eval("open", RScript.ReturnType.INTEGER, List.of(saleKey(p), SALES_KEY), Long.toString(productId),
        Long.toString(left), Long.toString(priceCents), Long.toString(nowMillis, 36),
        Long.toString(initial), Long.toString(nowMillis));
  }

  /** Closes the sale: later admissions answer CLOSED; in-flight orders go on. */
  public void closeSale(long productId) {
    redis.getMap(saleKey(tag(productId)), StringCodec.INSTANCE).fastPut("open", "0");
  }

  /** The sale of {@code productId}, if one was ever opened. */
  public Optional<Sale> sale(long productId) {
    Map<Object, Object> m = redis.getMap(saleKey(tag(productId)), StringCodec.INSTANCE).readAllMap();
    if (m.isEmpty() || m.get("left") == null) {
      return Optional.empty();
    }
    return Optional.of(new Sale(productId, "1".equals(m.get("open")), parse(m.get("left")),
        parse(m.get("price")), parse(m.get("initial")), parse(m.get("loadedAt"))));
  }

  /** Every product that ever had a sale, in id order. */
  public Collection<Long> products() {
    TreeSet<Long> ids = new TreeSet<>();
    for (Object o : redis.getSet(SALES_KEY, StringCodec.INSTANCE).readAll()) {
      ids.add(Long.parseLong(o.toString()));
    }
    return ids;
  }

  /** Up to {@code limit} admissions of {@code productId} not yet final, admitted at or before {@code maxMillis}. */
  public List<AdmissionRecord> pending(long productId, long maxMillis, int limit) {
    String p = tag(productId);
    Collection<ScoredEntry<Object>> entries = redis.getScoredSortedSet(pendingKey(p), StringCodec.INSTANCE)
        .entryRange(Double.NEGATIVE_INFINITY, true, (double) maxMillis, true, 0, limit);
    List<AdmissionRecord> out = new ArrayList<>(entries.size());
    for (ScoredEntry<Object> e : entries) {
      record(e.getValue().toString()).ifPresent(out::add);
    }
    return out;
  }

  /** The admission record of {@code orderId}, if Redis holds one. */
  public Optional<AdmissionRecord> record(String orderId) {
    long productId;
    try {
      productId = productOf(orderId);
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
    String p = tag(productId);
    Object rec = redis.getMap(admKey(p), StringCodec.INSTANCE).get(orderId);
    if (rec == null) {
      return Optional.empty();
    }
    Object state = redis.getMap(stateKey(p), StringCodec.INSTANCE).get(orderId);
    String[] f = rec.toString().split(":");
    return Optional.of(new AdmissionRecord(orderId, productId, Long.parseLong(f[0]), Integer.parseInt(f[1]),
        Long.parseLong(f[2]), Long.parseLong(f[3]), state == null ? '?' : state.toString().charAt(0)));
  }

  /**
   * Deletes every key of {@code productId}. Only for benchmark and test products whose orders never
   * reach the databases: for a real product it would forget admissions the pipeline still holds.
   */
  public void purge(long productId) {
    String p = tag(productId);
    redis.getKeys().deleteByPattern("seckill:*" + p + "*");
    redis.getSet(SALES_KEY, StringCodec.INSTANCE).remove(Long.toString(productId));
  }

  /** How many admissions of {@code productId} are not final yet. */
  public int pendingCount(long productId) {
    return redis.getScoredSortedSet(pendingKey(tag(productId)), StringCodec.INSTANCE).size();
  }

  /** Redis memory in bytes; both -1 when Redis cannot answer. */
  public record Memory(long usedBytes, long maxBytes) {}

  /** Redis's INFO memory figures. */
  public Memory memory() {
    try {
      Map<String, String> info = redis.getRedisNodes(org.redisson.api.redisnode.RedisNodes.SINGLE).getInstance()
          .info(org.redisson.api.redisnode.RedisNode.InfoSection.MEMORY);
      return new Memory(Long.parseLong(info.getOrDefault("used_memory", "-1")),
          Long.parseLong(info.getOrDefault("maxmemory", "-1")));
    } catch (RuntimeException e) {
      return new Memory(-1, -1);
    }
  }

  /** True when Redis answers. */
  public boolean ping() {
    return redis.getNodesGroup().pingAll();
  }

  /** The product an orderId was minted for: ids look like {@code <productId>-<32 hex digits>}. */
  public static long productOf(String orderId) {
    int dash = orderId.indexOf('-');
    if (dash <= 0) {
      throw new IllegalArgumentException("not an orderId minted here: " + orderId);
    }
    try {
      return Long.parseLong(orderId.substring(0, dash));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("not an orderId minted here: " + orderId);
    }
  }

  private <R> R eval(String name, RScript.ReturnType type, List<Object> keys, Object... args) {
    try {
      return script.evalSha(RScript.Mode.READ_WRITE, shas.get(name), type, keys, args);
    } catch (RedisNoScriptException e) {
      // Redis restarted or ran SCRIPT FLUSH: load once more and retry; the script had not run.
      load(name);
      return script.evalSha(RScript.Mode.READ_WRITE, shas.get(name), type, keys, args);
    }
  }

  private <R> CompletionStage<R> evalAsync(String name, RScript.ReturnType type, List<Object> keys, Object... args) {
    CompletionStage<R> first = script.evalShaAsync(RScript.Mode.READ_WRITE, shas.get(name), type, keys, args);
    return first.handle((r, e) -> {
      if (e == null) {
        return CompletableFuture.completedStage(r);
      }
      if (cause(e) instanceof RedisNoScriptException) {
        // Redis restarted or ran SCRIPT FLUSH: load once more and retry; the script had not run.
        return script.scriptLoadAsync(sources.get(name)).thenCompose(sha -> {
          shas.put(name, sha);
          return script.<R>evalShaAsync(RScript.Mode.READ_WRITE, sha, type, keys, args);
        });
      }
      return CompletableFuture.<R>failedStage(cause(e));
    }).thenCompose(Function.identity());
  }

  private static Throwable cause(Throwable e) {
    return e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
  }

  /** Waits for {@code stage}, rethrowing a Redis failure as it is (the synchronous callers' contract). */
  private static <T> T join(CompletionStage<T> stage) {
    try {
      return stage.toCompletableFuture().join();
    } catch (CompletionException e) {
      Throwable c = cause(e);
      if (c instanceof RuntimeException) {
        throw (RuntimeException) c;
      }
      throw e;
    }
  }

  private void load(String name) {
    shas.put(name, script.scriptLoad(sources.get(name)));
  }

  private static long parse(Object v) {
    return v == null ? 0 : Long.parseLong(v.toString());
  }

  private static String tag(long productId) {
    return "{" + productId + "}";
  }

  private static String saleKey(String p) {
    return "seckill:sale:" + p;
  }

  private static String usersKey(String p) {
    return "seckill:users:" + p;
  }

  private static String pendingKey(String p) {
    return "seckill:pending:" + p;
  }

  private static String admKey(String p) {
    return "seckill:adm:" + p;
  }

  private static String stateKey(String p) {
    return "seckill:state:" + p;
  }

  private static String resource(String name) {
    String path = "lua/" + name + ".lua";
    try (InputStream in = AdmissionStore.class.getClassLoader().getResourceAsStream(path)) {
      if (in == null) {
        throw new IllegalStateException(path + " is not on the classpath");
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
