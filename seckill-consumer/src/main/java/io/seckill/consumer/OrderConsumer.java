package io.seckill.consumer;

import io.seckill.dtm.tcc.TccOutcome;
import io.seckill.dtm.tcc.TccFailure;
import io.seckill.dtm.tcc.Retries;
import io.seckill.proto.OrderMessage;
import io.seckill.proto.codec.Decoded;
import io.seckill.proto.codec.OrderCodec;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.NoOffsetForPartitionException;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.consumer.OffsetOutOfRangeException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.record.TimestampType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The poll loop: parses each record, starts its global transaction (or dead letter) without
 * waiting for it, keeps at most {@code maxInFlight} of them running across all partitions, and
 * commits per partition only the contiguous prefix of finished offsets.
 *
 * <p>Errors are sorted three ways: poison (the parser or the signature check says so: to the DLQ,
 * partition moves on), retryable (trouble inside a transaction or DLQ write: retried, offset
 * held), fatal (the Kafka client itself fails, e.g. authorization or a fenced group member: the
 * loop ends, in-flight work is drained and committed, and the process exits non-zero so the
 * launcher restarts it).
 *
 * <p>Back-pressure: when the in-flight limit is reached, the records already polled wait in a
 * backlog of at most one poll's worth ({@code max.poll.records}) and every assigned partition is
 * paused; polling continues (which keeps group membership alive) and resumes fetching once the
 * backlog is empty and there is room again.
 *
 * <p>Only the poll thread touches the Kafka consumer and the offset tracker; transactions finish on
 * other threads and hand their result over through a queue.
 */
public final class OrderConsumer implements Runnable {
  private static final Logger log = LoggerFactory.getLogger(OrderConsumer.class);
  private static final Duration SATURATED_POLL = Duration.ofMillis(10);

  /** The loop's knobs (see consumer.properties for why each has its default). */
  public record Settings(String topic, int maxInFlight, Duration pollTimeout, Duration commitInterval,
      Duration shutdownTimeout, Duration revokeTimeout) { }

  private record Done(TopicPartition tp, long offset, long epoch, boolean durable) { }

  private final Settings settings;
  private final Consumer<byte[], byte[]> consumer;
  private final OrderCodec codec;
  private final SignatureCheck signatures;
  private final OrderTransactions transactions;
  private final DeadLetters deadLetters;
  private final Retries retries;
  private final Metrics metrics;
  private final ConsumerTracing tracing;

  private final OffsetTracker tracker = new OffsetTracker();
  private final ArrayDeque<ConsumerRecord<byte[], byte[]>> backlog = new ArrayDeque<>();
  private final LinkedBlockingQueue<Done> completions = new LinkedBlockingQueue<>();
  /** Orders of the same id run one after the other: two concurrent runs of one gid would race. */
  private final Map<String, CompletableFuture<?>> byOrderId = new HashMap<>();
  private final Map<TopicPartition, Integer> inFlightByPartition = new HashMap<>();
  private final CountDownLatch finished = new CountDownLatch(1);
  private int inFlight;
  private boolean paused;
  private long lastCommitNanos = System.nanoTime();
  private volatile boolean stopRequested;
  /** Set once the shutdown drain is over: revocation during close() must not wait a second time. */
  private boolean closing;
  private volatile boolean saturated;
  private volatile boolean running;
  private volatile Throwable fatal;

  /** A loop over {@code consumer}, which must be configured with enable.auto.commit=false. */
  public OrderConsumer(Settings settings, Consumer<byte[], byte[]> consumer, OrderCodec codec,
      SignatureCheck signatures, OrderTransactions transactions, DeadLetters deadLetters, Retries retries,
      Metrics metrics) {
    this(settings, consumer, codec, signatures, transactions, deadLetters, retries, metrics, ConsumerTracing.off());
  }

  /** As above; {@code tracing} makes a span per order, in the trace its record's headers carry. */
  public OrderConsumer(Settings settings, Consumer<byte[], byte[]> consumer, OrderCodec codec,
      SignatureCheck signatures, OrderTransactions transactions, DeadLetters deadLetters, Retries retries,
      Metrics metrics, ConsumerTracing tracing) {
    this.tracing = tracing;
    this.settings = settings;
    this.consumer = consumer;
    this.codec = codec;
    this.signatures = signatures;
    this.transactions = transactions;
    this.deadLetters = deadLetters;
    this.retries = retries;
    this.metrics = metrics;
  }

  /** True while the poll loop runs. */
  public boolean running() {
    return running;
  }

  /** The failure that ended the loop, if any. */
  public Throwable fatal() {
    return fatal;
  }

  /**
   * Asks the loop to stop polling, finish in-flight work (bounded), commit and return. No
   * {@code wakeup()}: it would hit whichever blocking call comes next, possibly the final commit;
   * the loop notices the flag within one poll timeout.
   */
  public void stop() {
    stopRequested = true;
  }

  /** Waits until {@link #run} has returned. */
  public boolean awaitFinished(Duration timeout) throws InterruptedException {
    return finished.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
  }

  @Override
  public void run() {
    running = true;
    try {
      consumer.subscribe(List.of(settings.topic()), new Rebalance());
      while (!stopRequested) {
        drainCompletions();
        dispatchBacklog();
        applyBackPressure();
        // While saturated, poll briefly: the partitions are paused and completions need draining.
        ConsumerRecords<byte[], byte[]> records = poll(saturated ? SATURATED_POLL : settings.pollTimeout());
        for (ConsumerRecord<byte[], byte[]> r : records) {
          backlog.add(r);
        }
        drainCompletions();
        dispatchBacklog();
        commitIfDue(false);
        updateLag();
      }
      shutdown();
    } catch (RuntimeException | Error e) {
      // Fatal: the Kafka client itself failed (authorization, fenced member, a bug). Drain what
      // runs, commit what is durable, and let the process exit non-zero.
      fatal = e;
      log.error("consumer loop failed; draining and exiting", e);
      try {
        shutdown();
      } catch (RuntimeException again) {
        log.error("shutdown after failure also failed", again);
      }
    } finally {
      running = false;
      finished.countDown();
    }
  }

  /**
   * One poll. The client resets no offset by itself ({@code auto.offset.reset=none}): a partition
   * without a committed offset (a new group) starts at its beginning; one whose committed offset is
   * no longer in the log (retention deleted the records after it: orders may have been skipped)
   * starts at the earliest offset too, loudly, with an error line and a metric.
   */
  private ConsumerRecords<byte[], byte[]> poll(Duration timeout) {
    try {
      return consumer.poll(timeout);
    } catch (NoOffsetForPartitionException e) {
      log.info("no committed offset for {}: starting at the beginning", e.partitions());
      consumer.seekToBeginning(e.partitions());
    } catch (OffsetOutOfRangeException e) {
      log.error("committed offsets {} are no longer in the log, so the orders after them may have been deleted"
          + " unread; resuming at the earliest offset of {}", e.offsetOutOfRangePartitions(), e.partitions());
      metrics.offsetsLost(e.partitions().size());
      restartAtEarliest(e.partitions());
    }
    return ConsumerRecords.empty();
  }

  /**
   * Starts {@code partitions} over at their earliest offsets, as a new owner would: what is fetched
   * and not started is dropped, and the tracker forgets them, so transactions still running there
   * finish in an epoch that is over (their orders are idempotent by gid and run again).
   */
  private void restartAtEarliest(Collection<TopicPartition> partitions) {
    Set<TopicPartition> reset = new HashSet<>(partitions);
    forget(reset);
    consumer.seekToBeginning(reset);
  }

  /** Drops what is fetched and not started of {@code partitions} and forgets their offsets and counts. */
  private void forget(Set<TopicPartition> partitions) {
    backlog.removeIf(r -> partitions.contains(new TopicPartition(r.topic(), r.partition())));
    partitions.forEach(tp -> {
      tracker.forget(tp);
      inFlightByPartition.remove(tp);
    });
  }

  private void shutdown() {
    log.info("stopping: {} in flight, {} not started", inFlight, backlog.size());
    backlog.clear();
    long deadline = System.nanoTime() + settings.shutdownTimeout().toNanos();
    while (inFlight > 0 && System.nanoTime() < deadline) {
      awaitCompletion(deadline);
    }
    if (inFlight > 0) {
      log.warn("{} orders still in flight after {}: handing them back uncommitted", inFlight, settings.shutdownTimeout());
    }
    try {
      commitIfDue(true);
    } catch (RuntimeException e) {
      log.warn("final commit failed; the next start redelivers from the last commit: {}", e.toString());
    }
    closing = true;
    consumer.close(Duration.ofSeconds(5));
    log.info("stopped");
  }

  private void awaitCompletion(long deadlineNanos) {
    try {
      Done d = completions.poll(Math.max(1, deadlineNanos - System.nanoTime()), TimeUnit.NANOSECONDS);
      if (d != null) {
        complete(d);
        drainCompletions();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new TccFailure.Stopped("waiting for in-flight orders");
    }
  }

  private void drainCompletions() {
    Done d;
    while ((d = completions.poll()) != null) {
      complete(d);
    }
  }

  private void complete(Done d) {
    inFlight--;
    if (tracker.current(d.tp(), d.epoch())) {
      inFlightByPartition.computeIfPresent(d.tp(), (tp, n) -> n - 1);
      if (d.durable()) {
        tracker.finished(d.tp(), d.offset(), d.epoch());
      }
    }
    if (!d.durable()) {
      // Left unfinished in the tracker on purpose: nothing past it is committed in this life.
      metrics.unfinished();
    }
  }

  private void dispatchBacklog() {
    while (!backlog.isEmpty() && inFlight < settings.maxInFlight() && !stopRequested) {
      ConsumerRecord<byte[], byte[]> r = backlog.poll();
      start(r);
    }
    saturated = inFlight >= settings.maxInFlight() || !backlog.isEmpty();
    metrics.gauges(inFlight, paused, consumer.assignment().size());
  }

  private void applyBackPressure() {
    boolean shouldPause = !backlog.isEmpty() || inFlight >= settings.maxInFlight();
    if (shouldPause) {
      // Pause every assigned partition, including ones assigned since the last pause.
      consumer.pause(consumer.assignment());
      paused = true;
    } else if (paused) {
      consumer.resume(consumer.paused());
      paused = false;
    }
  }

  private void start(ConsumerRecord<byte[], byte[]> r) {
    TopicPartition tp = new TopicPartition(r.topic(), r.partition());
    long epoch = tracker.started(tp, r.offset());
    inFlight++;
    inFlightByPartition.merge(tp, 1, Integer::sum);
    OrderMessage order;
    try {
      Decoded.Valid parsed = codec.decode(r.key(), r.value()).orElseThrow(Poison.Rejected::new);
      // After parsing: a record that is no order at all is reported for that, the more useful reason.
      signatures.verify(r.headers(), parsed);
      order = parsed.order();
    } catch (Poison.Rejected e) {
      Poison p = e.poison;
      log.warn("poison at {}-{}@{}: {} {}", r.topic(), r.partition(), r.offset(), p.reason(), p.detail());
      retries.untilDone(Retries.Kind.DEAD_LETTER, "dead-letter " + tp + "@" + r.offset(), () -> deadLetters.send(r, p))
          .whenComplete((ok, error) -> {
            if (error == null) {
              metrics.deadLetter(p.reason());
            }
            finish(tp, r.offset(), epoch, error);
          });
      return;
    }
    String id = order.getOrderId();
    CompletableFuture<?> previous = byOrderId.get(id);
    long[] startNanos = new long[1];
    // Null when tracing is off; else the order's span, current whenever its transaction (re)starts.
    io.opentelemetry.context.Context traced = tracing.start(r, order);
    CompletionStage<TccOutcome> run = (previous == null ? CompletableFuture.completedFuture(null) : previous.handle((a, b) -> null))
        .thenCompose(x -> {
          startNanos[0] = System.nanoTime();
          return retries.untilDone(Retries.Kind.ORDER, "order " + id, () -> runTraced(traced, order)
              // A refusal escaping a transaction is a bug, not a verdict: keep the offset and retry.
              .exceptionallyCompose(e -> Retries.cause(e) instanceof TccFailure.Conflict
                  ? CompletableFuture.failedFuture(new IllegalStateException(Retries.cause(e)))
                  : CompletableFuture.failedFuture(e)));
        });
    CompletableFuture<TccOutcome> tracked = run.toCompletableFuture();
    byOrderId.put(id, tracked);
    tracked.whenComplete((outcome, error) -> {
      tracing.end(traced, outcome, error);
      if (error == null) {
        metrics.outcome(outcome.kind(), System.nanoTime() - startNanos[0], sinceEnqueueMs(r));
        log.debug("order {} -> {} {}", id, outcome.kind(), outcome.reason());
      } else if (!(Retries.cause(error) instanceof TccFailure.Stopped)) {
        log.error("order {} ended without an outcome; its offset stays uncommitted", id, error);
      }
      finish(tp, r.offset(), epoch, error);
    });
  }

  /** Starts the order's transaction with its span current (the transaction binds it to every step). */
  private CompletionStage<TccOutcome> runTraced(io.opentelemetry.context.Context traced, OrderMessage order) {
    if (traced == null) {
      return transactions.run(order);
    }
    try (io.opentelemetry.context.Scope s = traced.makeCurrent()) {
      return transactions.run(order);
    }
  }

  /** Milliseconds since the producer stamped {@code r}, or -1 without a producer timestamp. */
  private static long sinceEnqueueMs(ConsumerRecord<?, ?> r) {
    if (r.timestampType() != TimestampType.CREATE_TIME || r.timestamp() <= 0) {
      return -1;
    }
    return Math.max(0, System.currentTimeMillis() - r.timestamp());
  }

  private void finish(TopicPartition tp, long offset, long epoch, Throwable error) {
    completions.add(new Done(tp, offset, epoch, error == null));
  }

  private void commitIfDue(boolean sync) {
    if (!sync && System.nanoTime() - lastCommitNanos < settings.commitInterval().toNanos()) {
      return;
    }
    lastCommitNanos = System.nanoTime();
    pruneOrderChains();
    Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
    Set<TopicPartition> assigned = consumer.assignment();
    for (TopicPartition tp : tracker.partitions()) {
      if (!assigned.contains(tp)) {
        continue;
      }
      OptionalLong next = tracker.commitable(tp);
      if (next.isPresent()) {
        offsets.put(tp, new OffsetAndMetadata(next.getAsLong()));
      }
    }
    if (offsets.isEmpty()) {
      return;
    }
    if (sync) {
      consumer.commitSync(offsets);
      offsets.forEach((tp, om) -> tracker.committed(tp, om.offset()));
      metrics.committed();
    } else {
      consumer.commitAsync(offsets, (committed, error) -> {
        if (error == null) {
          committed.forEach((tp, om) -> tracker.committed(tp, om.offset()));
          metrics.committed();
        } else {
          log.warn("offset commit failed (the next one covers it): {}", error.toString());
        }
      });
    }
  }

  private void pruneOrderChains() {
    byOrderId.values().removeIf(CompletableFuture::isDone);
  }

  private void updateLag() {
    for (TopicPartition tp : consumer.assignment()) {
      OptionalLong notFetched = consumer.currentLag(tp);
      if (notFetched.isEmpty()) {
        continue;
      }
      // Records not fetched yet plus records fetched but not finished: what a restart would redo.
      long position;
      try {
        position = consumer.position(tp, Duration.ZERO);
      } catch (org.apache.kafka.common.errors.TimeoutException e) {
        continue;  // position not known yet (fresh assignment): a gauge is not worth a fatal error
      }
      metrics.lag(tp.toString(), notFetched.getAsLong() + Math.max(0, position - tracker.lowWatermark(tp, position)));
    }
  }

  /** Waits for the revoked partitions' transactions, commits them, and forgets them. */
  private final class Rebalance implements ConsumerRebalanceListener {
    @Override
    public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
      if (partitions.isEmpty()) {
        return;
      }
      Set<TopicPartition> revoked = new HashSet<>(partitions);
      backlog.removeIf(r -> revoked.contains(new TopicPartition(r.topic(), r.partition())));
      long deadline = System.nanoTime() + (closing ? 0 : settings.revokeTimeout().toNanos());
      while (System.nanoTime() < deadline && revoked.stream().anyMatch(tp -> inFlightByPartition.getOrDefault(tp, 0) > 0)) {
        awaitCompletion(deadline);
      }
      Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
      for (TopicPartition tp : revoked) {
        tracker.commitable(tp).ifPresent(o -> offsets.put(tp, new OffsetAndMetadata(o)));
      }
      try {
        if (!offsets.isEmpty()) {
          consumer.commitSync(offsets);
          metrics.committed();
        }
      } catch (RuntimeException e) {
        log.warn("commit on revocation failed; the next owner redelivers from the last commit: {}", e.toString());
      }
      revoked.forEach(tp -> {
        tracker.forget(tp);
        inFlightByPartition.remove(tp);
      });
      metrics.clearLag();
      log.info("revoked {}", revoked);
    }

    @Override
    public void onPartitionsLost(Collection<TopicPartition> partitions) {
      Set<TopicPartition> lost = new HashSet<>(partitions);
      forget(lost);
      metrics.clearLag();
      log.warn("lost {} without committing", lost);
    }

    @Override
    public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
      log.info("assigned {}", partitions);
    }
  }
}
