package io.seckill.runtime;

import io.seckill.runtime.settings.Setting;
import io.seckill.runtime.settings.Settings;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;

/**
 * A branch service's settings: a properties file on the classpath, each key overridable from the
 * environment, read through {@link Settings} (the one reader every part uses).
 *
 * <p>The environment name of a key is the key upper-cased with {@code .} and {@code -} turned into
 * {@code _}. The service's own prefix wins over the project-wide {@code SECKILL_} prefix, which wins over
 * the file: {@code db.user} comes from {@code SECKILL_PRODUCT_DB_USER}, else {@code SECKILL_DB_USER}, else the
 * file. So one {@code SECKILL_DB_PORT} moves all four services to another MariaDB port, and
 * {@code SECKILL_PRODUCT_GRPC_PORT} moves one service.
 *
 * <p>The keys the runtime reads are declared here, once; a service's own keys are declared next to
 * the code that reads them and read with {@link #get}.
 */
public final class ServiceConfig {
  /** Project-wide env prefix, shared by every service. */
  public static final String SHARED_PREFIX = Settings.SHARED_PREFIX;

  /** Bind address of the gRPC server. */
  public static final Setting<String> GRPC_HOST = Setting.string("grpc.host");
  /** Port of the gRPC server; 0 picks a free one. */
  public static final Setting<Integer> GRPC_PORT = Setting.integer("grpc.port", 0, 65535);
  /** Largest request the server accepts, in bytes. */
  public static final Setting<Integer> GRPC_MAX_INBOUND_BYTES =
      Setting.integer("grpc.max-inbound-message-bytes", 1024, 64 * 1024 * 1024);
  /** How long a stopping server waits for in-flight calls. */
  public static final Setting<Duration> GRPC_SHUTDOWN_GRACE_SECONDS = Setting.seconds("grpc.shutdown-grace-seconds", 0, 600);
  /**
   * Threads that run the service's calls (each holds a pooled connection while it works): a fixed
   * pool, so a burst queues instead of starting a thread per blocking JDBC call.
   */
  public static final Setting<Integer> GRPC_EXECUTOR_THREADS = Setting.integer("grpc.executor-threads", 1, 500);
  /** MariaDB host. */
  public static final Setting<String> DB_HOST = Setting.string("db.host");
  /** MariaDB port. */
  public static final Setting<Integer> DB_PORT = Setting.integer("db.port", 1, 65535);
  /** The service's own database. */
  public static final Setting<String> DB_NAME = Setting.string("db.name");
  /** Database user. */
  public static final Setting<String> DB_USER = Setting.string("db.user");
  /** Database password (may be empty). */
  public static final Setting<String> DB_PASSWORD = Setting.stringOrEmpty("db.password");
  /** Extra JDBC URL parameters, {@code a=b&c=d}. */
  public static final Setting<String> DB_PARAMS = Setting.stringOrEmpty("db.params");
  /** Largest number of pooled connections. */
  public static final Setting<Integer> DB_POOL_SIZE = Setting.integer("db.pool-size", 1, 500);
  /** How long a call waits for a pooled connection before failing as unavailable, in ms. */
  public static final Setting<Integer> DB_CONNECTION_TIMEOUT_MS = Setting.integer("db.connection-timeout-ms", 250, 600_000);
  /** How long start-up keeps trying to reach the database (it may be restarting) before giving up, in ms. */
  public static final Setting<Integer> DB_STARTUP_WAIT_MS = Setting.integer("db.startup-wait-ms", 1, 600_000);

  /** Every key the runtime reads, checked by {@link #validate()}. */
  public static final List<Setting<?>> KEYS = List.of(GRPC_HOST, GRPC_PORT, GRPC_MAX_INBOUND_BYTES, GRPC_SHUTDOWN_GRACE_SECONDS,
      GRPC_EXECUTOR_THREADS, DB_HOST, DB_PORT, DB_NAME, DB_USER, DB_PASSWORD, DB_PARAMS, DB_POOL_SIZE,
      DB_CONNECTION_TIMEOUT_MS, DB_STARTUP_WAIT_MS);

  private final Settings settings;

  private ServiceConfig(Settings settings) {
    this.settings = settings;
  }

  /** Loads {@code resource} from the classpath, overridden by the process environment. */
  public static ServiceConfig load(String resource, String envPrefix) {
    return new ServiceConfig(Settings.load(resource, envPrefix));
  }

  /** A config from explicit properties and environment, for tests and tools. */
  public static ServiceConfig of(Properties file, String envPrefix, Map<String, String> env) {
    return new ServiceConfig(Settings.of(file, envPrefix, env));
  }

  /** A copy with some keys replaced, for tests that need another port or database; they win over the environment. */
  public ServiceConfig with(Map<String, String> overrides) {
    return new ServiceConfig(settings.with(overrides));
  }

  /** The reader underneath, for the keys of tracing, the barrier purge and the service itself. */
  public Settings settings() {
    return settings;
  }

  /** The checked value of {@code setting}; a missing or bad one throws ConfigException naming it. */
  public <T> T get(Setting<T> setting) {
    return settings.get(setting);
  }

  /** The env prefix of this service, e.g. {@code SECKILL_PRODUCT}. */
  public String envPrefix() {
    return settings.envPrefix();
  }

  /** The environment variables that override {@code key}, strongest first. */
  public List<String> envNames(String key) {
    return settings.envNames(key);
  }

  /**
   * Checks every key the runtime reads and fails with one message naming each missing or bad key,
   * so a service refuses to start instead of failing on its first call.
   */
  public ServiceConfig validate() {
    settings.check(KEYS);
    return this;
  }
}
