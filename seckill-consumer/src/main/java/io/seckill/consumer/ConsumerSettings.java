package io.seckill.consumer;

import io.seckill.dtm.tcc.Backoff;
import io.seckill.dtm.client.DtmClientConfig;
import io.seckill.runtime.ConfigException;
import io.seckill.runtime.settings.DtmSettings;
import io.seckill.runtime.settings.Setting;
import io.seckill.runtime.settings.Settings;
import io.seckill.runtime.tracing.Tracing;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;

/**
 * The consumer's settings: {@code consumer.properties} with env overrides, read through the one
 * {@link Settings} reader (prefix {@code SECKILL_CONSUMER}, then {@code SECKILL}). Each key is declared
 * once below; {@link #validate()} reads every key and then checks the rules that span several keys,
 * failing with one message naming each missing or bad one.
 */
public final class ConsumerSettings {
  /** The env prefix of this process. */
  public static final String ENV_PREFIX = "SECKILL_CONSUMER";
  private static final String RESOURCE = "consumer.properties";

  /** Kafka brokers; SECKILL_KAFKA_PORT alone means 127.0.0.1 on that port. */
  public static final Setting<String> BOOTSTRAP_SERVERS =
      Setting.string("kafka.bootstrap-servers").portAlone("SECKILL_KAFKA_PORT");
  public static final Setting<String> TOPIC = Setting.string("consumer.topic");
  public static final Setting<String> DLQ_TOPIC = Setting.string("consumer.dlq-topic");
  public static final Setting<String> GROUP_ID = Setting.string("consumer.group-id");
  public static final Setting<Integer> SESSION_TIMEOUT_MS = Setting.integer("consumer.session-timeout-ms", 6_000, 300_000);
  public static final Setting<Integer> MAX_IN_FLIGHT = Setting.integer("consumer.max-in-flight", 1, 100_000);
  public static final Setting<Integer> MAX_POLL_RECORDS = Setting.integer("consumer.max-poll-records", 1, 10_000);
  public static final Setting<Duration> POLL_TIMEOUT = Setting.millis("consumer.poll-timeout-ms", 1, 10_000);
  public static final Setting<Duration> COMMIT_INTERVAL = Setting.millis("consumer.commit-interval-ms", 10, 600_000);
  public static final Setting<Integer> MAX_RECORD_BYTES = Setting.integer("consumer.max-record-bytes", 64, 16 * 1024 * 1024);
  public static final Setting<Integer> MAX_QUANTITY = Setting.integer("consumer.max-quantity", 1, 1_000_000);
  public static final Setting<Integer> BACKOFF_INITIAL_MS = Setting.integer("consumer.backoff-initial-ms", 1, 600_000);
  public static final Setting<Integer> BACKOFF_MAX_MS = Setting.integer("consumer.backoff-max-ms", 1, 600_000);
  public static final Setting<Long> TRY_BUDGET_MS = Setting.longInteger("consumer.try-budget-ms", 0, 3_600_000);
  /** How often the order rows of acknowledged Submits are read (one batched call per tick). */
  public static final Setting<Long> SUBMIT_CHECK_INTERVAL_MS =
      Setting.longInteger("consumer.submit-check-interval-ms", 1, 60_000);
  /** How long an acknowledged Submit may wait for its CONFIRMED row before DTM is asked. */
  public static final Setting<Long> SUBMIT_CHECK_BOUND_MS = Setting.longInteger("consumer.submit-check-bound-ms", 1, 600_000);
  /** Order ids per batched status read (order-rpc takes at most 500). */
  public static final Setting<Integer> SUBMIT_CHECK_BATCH = Setting.integer("consumer.submit-check-batch", 1, 500);
  public static final Setting<Duration> SHUTDOWN_TIMEOUT = Setting.millis("consumer.shutdown-timeout-ms", 0, 3_600_000);
  public static final Setting<Duration> REVOKE_TIMEOUT = Setting.millis("consumer.revoke-timeout-ms", 0, 3_600_000);
  public static final Setting<Duration> TIMEOUT_TO_FAIL = Setting.seconds("dtm.timeout-to-fail-s", 1, 86_400);
  public static final Setting<Duration> REQUEST_TIMEOUT = Setting.seconds("dtm.request-timeout-s", 1, 600);
  public static final Setting<String> METRICS_HOST = Setting.string("metrics.host");
  public static final Setting<Integer> METRICS_PORT = Setting.integer("metrics.port", 0, 65535);
  public static final Setting<Integer> LATENCY_WINDOW = Setting.integer("metrics.latency-window", 16, 10_000_000);
  /** Whether every record must carry a valid signature (false accepts unsigned ones: development only). */
  public static final Setting<Boolean> REQUIRE_SIGNATURE = Setting.bool("consumer.require-signature");
  /**
   * The keyring order signatures are checked with (lines {@code <key id> <base64url secret>}); read
   * at start-up, not here, so a config can be validated on a machine without the stack's secrets.
   */
  public static final Setting<Path> ORDER_SIGNING_KEYS_FILE = Setting.path("order-signing.keys-file");
  /** The branch services, as DTM must reach them; SECKILL_ORDER_GRPC_PORT etc. (as the launcher exports them) alone work too. */
  public static final List<String> BRANCHES = List.of("order", "product", "coupon", "pay");

  private static final List<Setting<?>> KEYS;

  static {
    List<Setting<?>> keys = new ArrayList<>(List.of(BOOTSTRAP_SERVERS, TOPIC, DLQ_TOPIC, GROUP_ID, SESSION_TIMEOUT_MS,
        MAX_IN_FLIGHT, MAX_POLL_RECORDS, POLL_TIMEOUT, COMMIT_INTERVAL, MAX_RECORD_BYTES, MAX_QUANTITY,
        BACKOFF_INITIAL_MS, BACKOFF_MAX_MS, TRY_BUDGET_MS, SUBMIT_CHECK_INTERVAL_MS, SUBMIT_CHECK_BOUND_MS,
        SUBMIT_CHECK_BATCH, SHUTDOWN_TIMEOUT, REVOKE_TIMEOUT));
    keys.addAll(DtmSettings.ALL);
    keys.addAll(List.of(TIMEOUT_TO_FAIL, REQUEST_TIMEOUT));
    BRANCHES.forEach(b -> keys.add(branchSetting(b)));
    keys.addAll(List.of(METRICS_HOST, METRICS_PORT, LATENCY_WINDOW, REQUIRE_SIGNATURE, ORDER_SIGNING_KEYS_FILE));
    keys.addAll(Tracing.KEYS);
    KEYS = List.copyOf(keys);
  }

  private final Settings settings;

  private ConsumerSettings(Settings settings) {
    this.settings = settings;
  }

  /** Loads consumer.properties from the classpath with the process environment. */
  public static ConsumerSettings load() {
    return new ConsumerSettings(Settings.load(RESOURCE, ENV_PREFIX));
  }

  /** Settings from explicit properties and environment (tests). */
  public static ConsumerSettings of(Properties props, Map<String, String> env) {
    return new ConsumerSettings(Settings.of(RESOURCE, props, ENV_PREFIX, env));
  }

  /** A copy with some keys replaced (tests); the replacements win over the environment. */
  public ConsumerSettings with(Map<String, String> overrides) {
    return new ConsumerSettings(settings.with(overrides));
  }

  /** Reads every key; throws {@link ConfigException} naming each missing or bad one. */
  public ConsumerSettings validate() {
    List<String> problems = settings.problems(KEYS);
    if (problems.isEmpty()) {
      // The rules that span two keys, once each key is fine on its own.
      if (settings.get(BACKOFF_MAX_MS) < settings.get(BACKOFF_INITIAL_MS)) {
        problems.add(settings.invalid(BACKOFF_MAX_MS, Integer.toString(settings.get(BACKOFF_MAX_MS)),
            "below " + BACKOFF_INITIAL_MS).getMessage());
      }
      if (settings.get(SUBMIT_CHECK_BOUND_MS) < settings.get(SUBMIT_CHECK_INTERVAL_MS)) {
        problems.add(settings.invalid(SUBMIT_CHECK_BOUND_MS, Long.toString(settings.get(SUBMIT_CHECK_BOUND_MS)),
            "must be at least " + SUBMIT_CHECK_INTERVAL_MS).getMessage());
      }
    }
    settings.fail(problems);
    return this;
  }

  /** tracing.otlp-endpoint (empty: off) and tracing.sample-ratio, checked. */
  public Tracing.Settings tracingSettings() {
    return Tracing.settings(settings);
  }

  /** The consumer's tracing as configured ({@link Tracing#off()} without an endpoint); the caller closes it. */
  public Tracing tracing() {
    return Tracing.fromConfig(settings, "seckill-consumer");
  }

  /** Kafka brokers; SECKILL_KAFKA_PORT alone means 127.0.0.1 on that port. */
  public String bootstrapServers() {
    return settings.get(BOOTSTRAP_SERVERS);
  }

  public String topic() {
    return settings.get(TOPIC);
  }

  public String dlqTopic() {
    return settings.get(DLQ_TOPIC);
  }

  public String groupId() {
    return settings.get(GROUP_ID);
  }

  public int sessionTimeoutMs() {
    return settings.get(SESSION_TIMEOUT_MS);
  }

  public int maxInFlight() {
    return settings.get(MAX_IN_FLIGHT);
  }

  public int maxPollRecords() {
    return settings.get(MAX_POLL_RECORDS);
  }

  public Duration pollTimeout() {
    return settings.get(POLL_TIMEOUT);
  }

  public Duration commitInterval() {
    return settings.get(COMMIT_INTERVAL);
  }

  public int maxRecordBytes() {
    return settings.get(MAX_RECORD_BYTES);
  }

  public int maxQuantity() {
    return settings.get(MAX_QUANTITY);
  }

  /** Backoff for trouble (validate() checks that the max is not below the initial delay). */
  public Backoff backoff() {
    return Backoff.doubling(settings.get(BACKOFF_INITIAL_MS), settings.get(BACKOFF_MAX_MS));
  }

  public long tryBudgetMillis() {
    return settings.get(TRY_BUDGET_MS);
  }

  /** How often the order rows of acknowledged Submits are read (one batched call per tick). */
  public long submitCheckIntervalMillis() {
    return settings.get(SUBMIT_CHECK_INTERVAL_MS);
  }

  /** How long an acknowledged Submit may wait for its CONFIRMED row before DTM is asked. */
  public long submitCheckBoundMillis() {
    return settings.get(SUBMIT_CHECK_BOUND_MS);
  }

  /** Order ids per batched status read (order-rpc takes at most 500). */
  public int submitCheckBatch() {
    return settings.get(SUBMIT_CHECK_BATCH);
  }

  public Duration shutdownTimeout() {
    return settings.get(SHUTDOWN_TIMEOUT);
  }

  public Duration revokeTimeout() {
    return settings.get(REVOKE_TIMEOUT);
  }

  /** DTM endpoints (keys dtm.grpc, dtm.http, dtm.call-timeout-ms; SECKILL_DTM_GRPC_PORT / _HTTP_PORT alone work too). */
  public DtmClientConfig dtm() {
    return DtmSettings.read(settings);
  }

  public Duration timeoutToFail() {
    return settings.get(TIMEOUT_TO_FAIL);
  }

  public Duration requestTimeout() {
    return settings.get(REQUEST_TIMEOUT);
  }

  /** host:port of branch {@code name} (order, product, coupon, pay); SECKILL_ORDER_GRPC_PORT etc. (as the launcher exports them) alone work too. */
  public String branch(String name) {
    return settings.get(branchSetting(name));
  }

  public String metricsHost() {
    return settings.get(METRICS_HOST);
  }

  public int metricsPort() {
    return settings.get(METRICS_PORT);
  }

  public int latencyWindow() {
    return settings.get(LATENCY_WINDOW);
  }

  /** Whether every record must carry a valid signature (false accepts unsigned ones: development only). */
  public boolean requireSignature() {
    return settings.get(REQUIRE_SIGNATURE);
  }

  /**
   * The keyring order signatures are checked with (lines {@code <key id> <base64url secret>}); read
   * at start-up, not here, so a config can be validated on a machine without the stack's secrets.
   */
  public Path orderSigningKeysFile() {
    return settings.get(ORDER_SIGNING_KEYS_FILE);
  }

  /** The environment variables that override {@code key}, strongest first (for messages). */
  List<String> envNames(String key) {
    return settings.envNames(key);
  }

  /** The raw value of {@code key} after env overrides (for pass-through settings). */
  public Optional<String> find(String key) {
    return settings.find(key);
  }

  private static Setting<String> branchSetting(String name) {
    return Setting.target("branch." + name).portAlone("SECKILL_" + name.toUpperCase(Locale.ROOT) + "_GRPC_PORT");
  }
}
