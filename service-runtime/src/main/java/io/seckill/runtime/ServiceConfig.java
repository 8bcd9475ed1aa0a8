package io.seckill.runtime;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;

/**
 * A service's settings: a properties file on the classpath, each key overridable from the environment.
 *
 * <p>The environment name of a key is the key upper-cased with {@code .} and {@code -} turned into
 * {@code _}. The service's own prefix wins over the project-wide {@code SECKILL_} prefix, which wins over
 * the file: {@code db.user} comes from {@code SECKILL_PRODUCT_DB_USER}, else {@code SECKILL_DB_USER}, else the
 * file. So one {@code SECKILL_DB_PORT} moves all four services to another MariaDB port, and
 * {@code SECKILL_PRODUCT_GRPC_PORT} moves one service.
 */
public final class ServiceConfig {
  /** Project-wide env prefix, shared by every service. */
  public static final String SHARED_PREFIX = "SECKILL";

  /** Bind address of the gRPC server. */
  public static final String GRPC_HOST = "grpc.host";
  /** Port of the gRPC server; 0 picks a free one. */
  public static final String GRPC_PORT = "grpc.port";
  /** Largest request the server accepts, in bytes. */
  public static final String GRPC_MAX_INBOUND_BYTES = "grpc.max-inbound-message-bytes";
  /** How long a stopping server waits for in-flight calls. */
  public static final String GRPC_SHUTDOWN_GRACE_SECONDS = "grpc.shutdown-grace-seconds";
  /**
   * Threads that run the service's calls (each holds a pooled connection while it works): a fixed
   * pool, so a burst queues instead of starting a thread per blocking JDBC call.
   */
  public static final String GRPC_EXECUTOR_THREADS = "grpc.executor-threads";
  /** MariaDB host. */
  public static final String DB_HOST = "db.host";
  /** MariaDB port. */
  public static final String DB_PORT = "db.port";
  /** The service's own database. */
  public static final String DB_NAME = "db.name";
  /** Database user. */
  public static final String DB_USER = "db.user";
  /** Database password (may be empty). */
  public static final String DB_PASSWORD = "db.password";
  /** Extra JDBC URL parameters, {@code a=b&c=d}. */
  public static final String DB_PARAMS = "db.params";
  /** Largest number of pooled connections. */
  public static final String DB_POOL_SIZE = "db.pool-size";
  /** How long a call waits for a pooled connection before failing as unavailable. */
  public static final String DB_CONNECTION_TIMEOUT_MS = "db.connection-timeout-ms";
  /** How long start-up keeps trying to reach the database (it may be restarting) before giving up. */
  public static final String DB_STARTUP_WAIT_MS = "db.startup-wait-ms";

  private final String source;
  private final String envPrefix;
  private final Properties file;
  private final Map<String, String> env;

  private ServiceConfig(String source, String envPrefix, Properties file, Map<String, String> env) {
    this.source = source;
    this.envPrefix = envPrefix.toUpperCase(Locale.ROOT);
    this.file = file;
    this.env = Map.copyOf(env);
  }

  /** Loads {@code resource} from the classpath, overridden by the process environment. */
  public static ServiceConfig load(String resource, String envPrefix) {
    Properties props = new Properties();
    try (InputStream in = ServiceConfig.class.getClassLoader().getResourceAsStream(resource)) {
      if (in == null) {
        throw new ConfigException("config file " + resource + " is not on the classpath");
      }
      props.load(in);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + resource, e);
    }
    return new ServiceConfig(resource, envPrefix, props, System.getenv());
  }

  /** A config from explicit properties and environment, for tests and tools. */
  public static ServiceConfig of(Properties file, String envPrefix, Map<String, String> env) {
    Properties copy = new Properties();
    copy.putAll(file);
    return new ServiceConfig("properties", envPrefix, copy, env);
  }

  /** A copy with some keys replaced, for tests that need another port or database. */
  public ServiceConfig with(Map<String, String> overrides) {
    Properties copy = new Properties();
    copy.putAll(file);
    overrides.forEach(copy::setProperty);
    // The overrides must win over the environment too, so the env entries for those keys are dropped.
    Map<String, String> envCopy = new java.util.HashMap<>(env);
    overrides.keySet().forEach(k -> envNames(k).forEach(envCopy::remove));
    return new ServiceConfig(source, envPrefix, copy, envCopy);
  }

  /** The env prefix of this service, e.g. {@code SECKILL_PRODUCT}. */
  public String envPrefix() {
    return envPrefix;
  }

  /** The environment variables that override {@code key}, strongest first. */
  public List<String> envNames(String key) {
    String suffix = key.toUpperCase(Locale.ROOT).replace('.', '_').replace('-', '_');
    return List.of(envPrefix + "_" + suffix, SHARED_PREFIX + "_" + suffix);
  }

  /** The value of {@code key} after env overrides, if set at all. */
  public Optional<String> find(String key) {
    for (String name : envNames(key)) {
      String v = env.get(name);
      if (v != null) {
        return Optional.of(v.trim());
      }
    }
    return Optional.ofNullable(file.getProperty(key)).map(String::trim);
  }

  /** The value of {@code key}, which must be set and not blank. */
  public String string(String key) {
    String v = find(key).orElseThrow(() -> missing(key));
    if (v.isEmpty()) {
      throw missing(key);
    }
    return v;
  }

  /** The value of {@code key}, which must be set but may be empty (a password). */
  public String stringOrEmpty(String key) {
    return find(key).orElseThrow(() -> missing(key));
  }

  /** The value of {@code key} as an ISO-8601 duration (PT15M, PT20S) in {@code [min, max]}. */
  public Duration duration(String key, Duration min, Duration max) {
    String v = string(key);
    Duration d;
    try {
      d = Duration.parse(v);
    } catch (DateTimeParseException e) {
      throw bad(key, v, "is not an ISO-8601 duration such as PT15M or PT20S");
    }
    if (d.compareTo(min) < 0 || d.compareTo(max) > 0) {
      throw bad(key, v, "is outside " + min + ".." + max);
    }
    return d;
  }

  /** The value of {@code key} as an int in {@code [min, max]}. */
  public int integer(String key, int min, int max) {
    String v = string(key);
    int n;
    try {
      n = Integer.parseInt(v);
    } catch (NumberFormatException e) {
      throw bad(key, v, "is not a whole number");
    }
    if (n < min || n > max) {
      throw bad(key, v, "is outside " + min + ".." + max);
    }
    return n;
  }

  /** The value of {@code key} as a decimal number in {@code [min, max]}. */
  public double decimal(String key, double min, double max) {
    String v = string(key);
    double d;
    try {
      d = Double.parseDouble(v);
    } catch (NumberFormatException e) {
      throw bad(key, v, "is not a number");
    }
    if (!(d >= min && d <= max)) {
      throw bad(key, v, "is outside " + min + ".." + max);
    }
    return d;
  }

  /** The error for a set but unusable {@code key}: names the key, its value, why, and where it came from. */
  public ConfigException invalid(String key, String value, String why) {
    return bad(key, value, why);
  }

  /**
   * Checks every key the runtime reads and fails with one message naming each missing or bad key,
   * so a service refuses to start instead of failing on its first call.
   */
  public ServiceConfig validate() {
    List<String> problems = new ArrayList<>();
    check(problems, () -> string(GRPC_HOST));
    check(problems, () -> integer(GRPC_PORT, 0, 65535));
    check(problems, () -> integer(GRPC_MAX_INBOUND_BYTES, 1024, 64 * 1024 * 1024));
    check(problems, () -> integer(GRPC_SHUTDOWN_GRACE_SECONDS, 0, 600));
    check(problems, () -> integer(GRPC_EXECUTOR_THREADS, 1, 500));
    check(problems, () -> string(DB_HOST));
    check(problems, () -> integer(DB_PORT, 1, 65535));
    check(problems, () -> string(DB_NAME));
    check(problems, () -> string(DB_USER));
    check(problems, () -> stringOrEmpty(DB_PASSWORD));
    check(problems, () -> stringOrEmpty(DB_PARAMS));
    check(problems, () -> integer(DB_POOL_SIZE, 1, 500));
    check(problems, () -> integer(DB_CONNECTION_TIMEOUT_MS, 250, 600_000));
    check(problems, () -> integer(DB_STARTUP_WAIT_MS, 1, 600_000));
    if (!problems.isEmpty()) {
      throw new ConfigException(source + ": " + String.join("; ", problems));
    }
    return this;
  }

  private static void check(List<String> problems, Runnable read) {
    try {
      read.run();
    } catch (ConfigException e) {
      problems.add(e.getMessage());
    }
  }

  private ConfigException missing(String key) {
    return new ConfigException("missing setting '" + key + "' (set it in " + source + " or env "
        + String.join(" / ", envNames(key)) + ")");
  }

  private ConfigException bad(String key, String value, String why) {
    return new ConfigException("bad setting '" + key + "' = '" + value + "': " + why + " (from " + source
        + " or env " + String.join(" / ", envNames(key)) + ")");
  }
}
