package io.seckill.consumer;

import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.seckill.dtm.client.DtmClient;
import io.seckill.dtm.client.TransOptions;
import io.seckill.dtm.tcc.Checkpoint;
import io.seckill.dtm.tcc.GrpcDtm;
import io.seckill.dtm.tcc.Retries;
import io.seckill.dtm.tcc.TccRunner;
import io.seckill.runtime.ConfigException;
import io.seckill.runtime.tracing.Tracing;
import java.io.IOException;
import java.time.Duration;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.CooperativeStickyAssignor;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Starts the consumer: config, DTM client, Kafka consumer and DLQ producer, metrics; stops on SIGTERM. */
public final class ConsumerMain {
  private static final Logger log = LoggerFactory.getLogger(ConsumerMain.class);
  private ConsumerMain() {
  }

  /** Runs until SIGTERM; exits 2 on bad config, 1 when the loop fails. */
  public static void main(String[] args) {
    run(Checkpoint.NONE);
  }

  /** As {@link #main}, with {@code checkpoint} told of every crash point of every transaction. */
  public static void run(Checkpoint checkpoint) {
    ConsumerSettings config;
    try {
      config = ConsumerSettings.load().validate();
    } catch (ConfigException e) {
      log.error("seckill-consumer not started: {}", e.getMessage());
      System.exit(2);
      return;
    }
    Running running;
    try {
      running = start(config, checkpoint);
    } catch (ConfigException e) {
      // The keyring is read at start: a missing one is bad configuration like a missing key.
      log.error("seckill-consumer not started: {}", e.getMessage());
      System.exit(2);
      return;
    } catch (IOException | RuntimeException e) {
      log.error("seckill-consumer not started: {}", e.toString());
      System.exit(1);
      return;
    }
    CountDownLatch closed = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      running.loop.stop();
      try {
        closed.await(config.shutdownTimeout().toMillis() + 10_000, TimeUnit.MILLISECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }, "sigterm"));
    running.loop.run();
    running.close();
    Throwable fatal = running.loop.fatal();
    closed.countDown();
    if (fatal != null) {
      System.exit(1);
    }
  }

  /** A started consumer: its loop (not yet running when returned) and what to close after it. */
  public static final class Running implements AutoCloseable {
    final OrderConsumer loop;
    final Metrics metrics;
    private final MetricsServer server;
    private final AtomicBoolean abandon;
    private final ScheduledThreadPoolExecutor timer;
    private final KafkaProducer<byte[], byte[]> producer;
    private final DtmClient dtm;
    private final ManagedChannel orderChannel;
    private final Tracing tracing;

    private Running(OrderConsumer loop, Metrics metrics, MetricsServer server, AtomicBoolean abandon,
        ScheduledThreadPoolExecutor timer, KafkaProducer<byte[], byte[]> producer, DtmClient dtm,
        ManagedChannel orderChannel, Tracing tracing) {
      this.tracing = tracing;
      this.loop = loop;
      this.metrics = metrics;
      this.server = server;
      this.abandon = abandon;
      this.timer = timer;
      this.producer = producer;
      this.dtm = dtm;
      this.orderChannel = orderChannel;
    }

    /** The poll loop. */
    public OrderConsumer loop() {
      return loop;
    }

    /** The metrics. */
    public Metrics metrics() {
      return metrics;
    }

    /** The bound metrics port. */
    public int metricsPort() {
      return server.port();
    }

    /** Releases everything once the loop has returned; unfinished transactions are abandoned. */
    @Override
    public void close() {
      abandon.set(true);
      timer.shutdownNow();
      producer.close(Duration.ofSeconds(5));
      dtm.close();
      orderChannel.shutdownNow();
      server.close();
      tracing.close();
    }
  }

  /** Wires a consumer from {@code config}; the caller runs {@code loop()} on a thread of its choice. */
  public static Running start(ConsumerSettings config, Checkpoint checkpoint) throws IOException {
    // First: without its keyring the consumer must not open a single connection.
    SignatureCheck signatures = SignatureCheck.fromConfig(config);
    Metrics metrics = new Metrics(config.latencyWindow());
    AtomicBoolean abandon = new AtomicBoolean();
    ScheduledThreadPoolExecutor timer = new ScheduledThreadPoolExecutor(1, r -> {
      Thread t = new Thread(r, "consumer-retry-timer");
      t.setDaemon(true);
      return t;
    });
    timer.setRemoveOnCancelPolicy(true);
    Retries retries = new Retries(timer, config.backoff(), abandon::get, (kind, trouble) -> metrics.retry(kind));

    Tracing tracing = config.tracing();
    DtmClient dtm = new DtmClient(config.dtm(), target -> channel(target, tracing));
    TransOptions options = TransOptions.defaults()
        .withTimeoutToFail(config.timeoutToFail())
        .withRequestTimeout(config.requestTimeout());
    // Nothing the consumer attaches to a call blocks, so callbacks run on the transport threads.
    ManagedChannel orderChannel = channel(config.branch("order"), tracing);
    BranchPlan plan = new BranchPlan(config.branch("order"), config.branch("product"), config.branch("coupon"), config.branch("pay"));
    GrpcOrderLedger ledger = new GrpcOrderLedger(orderChannel, config.dtm().callTimeout());
    OrderRowSubmitCheck submitCheck = new OrderRowSubmitCheck(ledger, timer, config.submitCheckIntervalMillis(),
        config.submitCheckBoundMillis(), config.submitCheckBatch());
    GrpcDtm steps = new GrpcDtm(dtm, options, metrics::dtmQuery);
    TccRunner runner = new TccRunner(steps, retries, Duration.ofMillis(config.tryBudgetMillis()),
        config.dtm().callTimeout(), checkpoint);
    OrderTransactions transactions = new TccOrderTransactions(runner, steps, ledger, plan, submitCheck);

    KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(producerProps(config), new ByteArraySerializer(), new ByteArraySerializer());
    KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(consumerProps(config), new ByteArrayDeserializer(), new ByteArrayDeserializer());
    OrderConsumer loop = new OrderConsumer(
        new OrderConsumer.Settings(config.topic(), config.maxInFlight(), config.pollTimeout(), config.commitInterval(),
            config.shutdownTimeout(), config.revokeTimeout()),
        consumer, new io.seckill.proto.codec.OrderCodec(config.maxRecordBytes(), config.maxQuantity()), signatures, transactions,
        new KafkaDeadLetters(producer, config.dlqTopic(), config.maxRecordBytes()), retries, metrics,
        new ConsumerTracing(tracing));
    MetricsServer server = new MetricsServer(config.metricsHost(), config.metricsPort(), metrics);
    log.info("seckill-consumer: {} -> DTM {} (group {}, up to {} in flight, signatures {}), metrics on {}:{}, tracing {}",
        config.topic(), config.dtm().grpcTarget(), config.groupId(), config.maxInFlight(),
        signatures.required() ? "required" : "NOT required", config.metricsHost(), server.port(),
        tracing.enabled() ? "on" : "off");
    return new Running(loop, metrics, server, abandon, timer, producer, dtm, orderChannel, tracing);
  }

  /**
   * A plain-text channel to {@code target} (DTM or a branch service), its callbacks on the transport
   * threads; with tracing on, through the client interceptor that puts each call of an order in its trace.
   */
  static ManagedChannel channel(String target, Tracing tracing) {
    io.grpc.ManagedChannelBuilder<?> b = Grpc.newChannelBuilder(target, InsecureChannelCredentials.create()).directExecutor();
    if (tracing.enabled()) {
      b.intercept(tracing.clientInterceptor());
    }
    return b.build();
  }

  static Properties consumerProps(ConsumerSettings config) {
    Properties p = new Properties();
    p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, config.bootstrapServers());
    // All consumer processes share one group: each partition, hence each order, has one owner.
    p.put(ConsumerConfig.GROUP_ID_CONFIG, config.groupId());
    // Offsets are committed by hand, only up to the contiguous prefix of durable outcomes.
    p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
    // No silent reset: the loop starts a new group's partitions at their beginning, and reports a
    // committed offset that fell off the log (records deleted unread) before doing the same.
    p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "none");
    // Records of an aborted producer transaction were never accepted orders.
    p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    // Bounds the backlog held while paused (back-pressure) to one poll's worth.
    p.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, Integer.toString(config.maxPollRecords()));
    // A rebalance revokes only partitions that move, so in-flight orders of kept partitions go on.
    p.put(ConsumerConfig.PARTITION_ASSIGNMENT_STRATEGY_CONFIG, CooperativeStickyAssignor.class.getName());
    // The loop polls continuously (also while paused), so the default 5 min only catches a hung
    // loop; revocation waits (consumer.revoke-timeout-ms) stay well below it.
    p.put(ConsumerConfig.MAX_POLL_INTERVAL_MS_CONFIG, "300000");
    // A crashed member's partitions move after this long (see consumer.properties).
    p.put(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, Integer.toString(config.sessionTimeoutMs()));
    p.put(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG, Integer.toString(config.sessionTimeoutMs() / 3));
    p.put(ConsumerConfig.CLIENT_ID_CONFIG, "seckill-consumer-" + ProcessHandle.current().pid());
    return p;
  }

  static Properties producerProps(ConsumerSettings config) {
    Properties p = new Properties();
    p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, config.bootstrapServers());
    // A dead letter counts as handled only once every in-sync replica has it: then the offset may pass.
    p.put(ProducerConfig.ACKS_CONFIG, "all");
    // Retried sends must not write a dead letter twice.
    p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
    // A poison record may be as large as the broker accepted on the source topic.
    p.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, Integer.toString(2 * 1024 * 1024));
    // Fail a send within 30 s so the consumer's own backoff (and its metrics) take over.
    p.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, "30000");
    p.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, "10000");
    p.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, "10000");
    p.put(ProducerConfig.CLIENT_ID_CONFIG, "seckill-consumer-dlq-" + ProcessHandle.current().pid());
    return p;
  }
}
