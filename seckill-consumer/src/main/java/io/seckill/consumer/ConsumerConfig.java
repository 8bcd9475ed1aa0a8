package io.seckill.consumer;

import io.seckill.dtm.tcc.Backoff;
import io.seckill.dtm.tcc.Checkpoint;
import io.seckill.dtm.client.DtmClientConfig;
import io.seckill.runtime.ConfigException;
import io.seckill.runtime.ServiceConfig;
import io.seckill.runtime.tracing.Tracing;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * The consumer's settings: {@code consumer.properties} with env overrides (the shared
 * {@link ServiceConfig} rules, prefix {@code SECKILL_CONSUMER}). {@link #validate()} reads every key
 * once and fails naming each missing or bad one.
 */
public final class ConsumerConfig {
  /** The env prefix of this process. */
  public static final String ENV_PREFIX = "SECKILL_CONSUMER";

  private final ServiceConfig config;
  private final Map<String, String> env;

  private ConsumerConfig(ServiceConfig config, Map<String, String> env) {
    this.config = config;
    this.env = env;
  }

  /** Loads consumer.properties from the classpath with the process environment. */
  public static ConsumerConfig load() {
    return new ConsumerConfig(ServiceConfig.load("consumer.properties", ENV_PREFIX), System.getenv());
  }

  /** A config from explicit properties and environment (tests). */
  public static ConsumerConfig of(java.util.Properties props, Map<String, String> env) {
    return new ConsumerConfig(ServiceConfig.of(props, ENV_PREFIX, env), env);
  }

  /** A copy with some keys replaced (tests). */
  public ConsumerConfig with(Map<String, String> overrides) {
    return new ConsumerConfig(config.with(overrides), env);
  }

  /** Reads every key; throws {@link ConfigException} naming each missing or bad one. */
  public ConsumerConfig validate() {
    List<String> problems = new ArrayList<>();
    List<Supplier<?>> reads = List.of(this::bootstrapServers, this::topic, this::dlqTopic, this::groupId, this::sessionTimeoutMs,
        this::maxInFlight, this::maxPollRecords, this::pollTimeout, this::commitInterval, this::maxRecordBytes,
        this::maxQuantity, this::backoff, this::tryBudgetMillis, this::submitCheckIntervalMillis,
        this::submitCheckBoundMillis, this::submitCheckBatch, this::shutdownTimeout, this::revokeTimeout,
        this::dtm, this::timeoutToFail, this::requestTimeout, () -> branch("order"), () -> branch("product"),
        () -> branch("coupon"), () -> branch("pay"), this::metricsHost, this::metricsPort, this::latencyWindow,
        this::haltAt, this::haltOrderPrefix, this::requireSignature, this::orderSigningKeysFile, this::tracingSettings);
    for (Supplier<?> read : reads) {
      try {
        read.get();
      } catch (ConfigException | IllegalArgumentException e) {
        problems.add(e.getMessage());
      }
    }
    if (!problems.isEmpty()) {
      throw new ConfigException("consumer.properties: " + String.join("; ", problems));
    }
    return this;
  }

  /** tracing.otlp-endpoint (empty: off) and tracing.sample-ratio, checked. */
  public Tracing.Settings tracingSettings() {
    return Tracing.settings(config);
  }

  /** The consumer's tracing as configured ({@link Tracing#off()} without an endpoint); the caller closes it. */
  public Tracing tracing() {
    return Tracing.fromConfig(config, "seckill-consumer");
  }

  /** Kafka brokers; SECKILL_KAFKA_PORT alone means 127.0.0.1 on that port. */
  public String bootstrapServers() {
    return fromPort("kafka.bootstrap-servers", "SECKILL_KAFKA_PORT");
  }

  public String topic() {
    return config.string("consumer.topic");
  }

  public String dlqTopic() {
    return config.string("consumer.dlq-topic");
  }

  public String groupId() {
    return config.string("consumer.group-id");
  }

  public int sessionTimeoutMs() {
    return config.integer("consumer.session-timeout-ms", 6_000, 300_000);
  }

  public int maxInFlight() {
    return config.integer("consumer.max-in-flight", 1, 100_000);
  }

  public int maxPollRecords() {
    return config.integer("consumer.max-poll-records", 1, 10_000);
  }

  public Duration pollTimeout() {
    return millis("consumer.poll-timeout-ms", 1, 10_000);
  }

  public Duration commitInterval() {
    return millis("consumer.commit-interval-ms", 10, 600_000);
  }

  public int maxRecordBytes() {
    return config.integer("consumer.max-record-bytes", 64, 16 * 1024 * 1024);
  }

  public int maxQuantity() {
    return config.integer("consumer.max-quantity", 1, 1_000_000);
  }

  /** Backoff for trouble. */
  public Backoff backoff() {
    int initial = config.integer("consumer.backoff-initial-ms", 1, 600_000);
    int max = config.integer("consumer.backoff-max-ms", 1, 600_000);
    if (max < initial) {
      throw new ConfigException("bad setting 'consumer.backoff-max-ms' = '" + max + "': below consumer.backoff-initial-ms");
    }
    return Backoff.doubling(initial, max);
  }

  public long tryBudgetMillis() {
    return config.integer("consumer.try-budget-ms", 0, 3_600_000);
  }

  /** How often the order rows of acknowledged Submits are read (one batched call per tick). */
  public long submitCheckIntervalMillis() {
    return config.integer("consumer.submit-check-interval-ms", 1, 60_000);
  }

  /** How long an acknowledged Submit may wait for its CONFIRMED row before DTM is asked. */
  public long submitCheckBoundMillis() {
    long bound = config.integer("consumer.submit-check-bound-ms", 1, 600_000);
    if (bound < submitCheckIntervalMillis()) {
      throw new IllegalArgumentException("consumer.submit-check-bound-ms must be at least consumer.submit-check-interval-ms");
    }
    return bound;
  }

  /** Order ids per batched status read (order-rpc takes at most 500). */
  public int submitCheckBatch() {
    return config.integer("consumer.submit-check-batch", 1, 500);
  }

  public Duration shutdownTimeout() {
    return millis("consumer.shutdown-timeout-ms", 0, 3_600_000);
  }

  public Duration revokeTimeout() {
    return millis("consumer.revoke-timeout-ms", 0, 3_600_000);
  }

  /** DTM endpoints through dtm-grpc's own config (keys dtm.grpc, dtm.http, dtm.call-timeout-ms). */
  public DtmClientConfig dtm() {
    java.util.Properties p = new java.util.Properties();
    p.setProperty("dtm.grpc", fromPort("dtm.grpc", "SECKILL_DTM_GRPC_PORT"));
    String http = config.string("dtm.http");
    String httpPort = env.get("SECKILL_DTM_HTTP_PORT");
    if (!fromEnv("dtm.http") && httpPort != null && !httpPort.isBlank()) {
      http = "http://127.0.0.1:" + httpPort.trim();
    }
    p.setProperty("dtm.http", http);
    p.setProperty("dtm.call-timeout-ms", config.string("dtm.call-timeout-ms"));
    return DtmClientConfig.load(p, Map.of());
  }

  public Duration timeoutToFail() {
    return Duration.ofSeconds(config.integer("dtm.timeout-to-fail-s", 1, 86_400));
  }

  public Duration requestTimeout() {
    return Duration.ofSeconds(config.integer("dtm.request-timeout-s", 1, 600));
  }

  /** host:port of branch {@code name} (order, product, coupon, pay); SECKILL_ORDER_GRPC_PORT etc. (as the launcher exports them) alone work too. */
  public String branch(String name) {
    String target = fromPort("branch." + name, "SECKILL_" + name.toUpperCase(java.util.Locale.ROOT) + "_GRPC_PORT");
    if (!target.matches("[A-Za-z0-9.\\-]+:[0-9]{1,5}")) {
      throw new ConfigException("bad setting 'branch." + name + "' = '" + target + "': must be host:port");
    }
    return target;
  }

  public String metricsHost() {
    return config.string("metrics.host");
  }

  public int metricsPort() {
    return config.integer("metrics.port", 0, 65535);
  }

  public int latencyWindow() {
    return config.integer("metrics.latency-window", 16, 10_000_000);
  }

  /** Whether every record must carry a valid signature (false accepts unsigned ones: development only). */
  public boolean requireSignature() {
    String v = config.string("consumer.require-signature");
    if (!v.equals("true") && !v.equals("false")) {
      throw new ConfigException("bad setting 'consumer.require-signature' = '" + v + "': must be true or false (env "
          + String.join(" / ", config.envNames("consumer.require-signature")) + ")");
    }
    return v.equals("true");
  }

  /**
   * The keyring order signatures are checked with (lines {@code <key id> <base64url secret>}); read
   * at start-up, not here, so a config can be validated on a machine without the stack's secrets.
   */
  public java.nio.file.Path orderSigningKeysFile() {
    String v = config.string("order-signing.keys-file");
    try {
      return java.nio.file.Path.of(v);
    } catch (java.nio.file.InvalidPathException e) {
      throw new ConfigException("bad setting 'order-signing.keys-file' = '" + v + "': not a file path");
    }
  }

  /** The environment variables that override {@code key}, strongest first (for messages). */
  List<String> envNames(String key) {
    return config.envNames(key);
  }

  /** The crash point at which to halt the JVM (tests), if any. */
  public Optional<Checkpoint.Step> haltAt() {
    String v = config.find("test.halt-at").orElse("");
    if (v.isEmpty()) {
      return Optional.empty();
    }
    try {
      return Optional.of(Checkpoint.Step.valueOf(v));
    } catch (IllegalArgumentException e) {
      throw new ConfigException("bad setting 'test.halt-at' = '" + v + "': one of "
          + java.util.Arrays.toString(Checkpoint.Step.values()));
    }
  }

  public String haltOrderPrefix() {
    return config.find("test.halt-order-prefix").orElse("");
  }

  /** The raw value of {@code key} after env overrides (for pass-through settings). */
  public Optional<String> find(String key) {
    return config.find(key);
  }

  private Duration millis(String key, int min, int max) {
    return Duration.ofMillis(config.integer(key, min, max));
  }

  /**
   * The value of {@code key}, except that when only the stack's port variable is set (the launcher
   * exports SECKILL_KAFKA_PORT etc.), it means 127.0.0.1 on that port.
   */
  private String fromPort(String key, String portEnv) {
    String v = config.string(key);
    String port = env.get(portEnv);
    if (!fromEnv(key) && port != null && !port.isBlank()) {
      return "127.0.0.1:" + port.trim();
    }
    return v;
  }

  private boolean fromEnv(String key) {
    return config.envNames(key).stream().anyMatch(env::containsKey);
  }
}
