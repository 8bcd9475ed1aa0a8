package io.seckill.runtime.settings;

import io.seckill.runtime.ConfigException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;

/**
 * The settings reader every process uses: a properties file, each key overridable from the
 * environment, and the {@link Setting} declarations that say how a key is typed and checked.
 *
 * <p>A key resolves from the first of, strongest first:
 * <ol>
 *   <li>replacements given to {@link #with} (tests, command-line options);
 *   <li>the environment: {@code <PREFIX>_<KEY>}, then {@code SECKILL_<KEY>}, where {@code <KEY>} is the key
 *       upper-cased with {@code .} and {@code -} as {@code _} ({@link #envNames}); a variable that is set wins
 *       even when empty;
 *   <li>system properties named as the key, only when {@link #withSystemProperties} turned them on (no
 *       process does today);
 *   <li>the launcher's port variable of the setting ({@link Setting#portAlone}), when set and not blank:
 *       a port alone means {@value #LOCAL_HOST} on that port;
 *   <li>the properties file;
 *   <li>the setting's declared default.
 * </ol>
 * A value is trimmed; an empty one counts as missing unless the setting allows it. A missing or bad
 * value throws {@link ConfigException} naming the key, the value, why, and its env names.
 */
public final class Settings {
  /** Project-wide env prefix, shared by every part. */
  public static final String SHARED_PREFIX = "SECKILL";
  /** The host a bare port variable means. */
  public static final String LOCAL_HOST = "127.0.0.1";

  private final String source;
  private final String envPrefix;
  private final Properties overrides;
  private final Map<String, String> env;
  private final Properties system;
  private final Properties file;

  private Settings(String source, String envPrefix, Properties overrides, Map<String, String> env, Properties system,
      Properties file) {
    this.source = source;
    this.envPrefix = envPrefix.toUpperCase(Locale.ROOT);
    this.overrides = overrides;
    this.env = Map.copyOf(env);
    this.system = system;
    this.file = file;
  }

  /** Loads {@code resource} from the classpath, overridden by the process environment. */
  public static Settings load(String resource, String envPrefix) {
    Properties props = new Properties();
    try (InputStream in = Settings.class.getClassLoader().getResourceAsStream(resource)) {
      if (in == null) {
        throw new ConfigException("config file " + resource + " is not on the classpath");
      }
      props.load(in);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + resource, e);
    }
    return new Settings(resource, envPrefix, new Properties(), System.getenv(), null, props);
  }

  /** Settings from explicit properties and environment, for tests and tools; messages call the file "properties". */
  public static Settings of(Properties file, String envPrefix, Map<String, String> env) {
    return of("properties", file, envPrefix, env);
  }

  /** Settings from explicit properties (called {@code source} in messages) and environment. */
  public static Settings of(String source, Properties file, String envPrefix, Map<String, String> env) {
    return new Settings(source, envPrefix, new Properties(), env, null, copy(file));
  }

  /** Settings from the environment alone (no file): only keys with a default or a port variable resolve without it. */
  public static Settings fromEnv(String envPrefix, Map<String, String> env) {
    return new Settings("defaults", envPrefix, new Properties(), env, null, new Properties());
  }

  /** A copy with some keys replaced; the replacements win over the environment too. */
  public Settings with(Map<String, String> replacements) {
    Properties o = copy(overrides);
    replacements.forEach(o::setProperty);
    return new Settings(source, envPrefix, o, env, system, file);
  }

  /** A copy that also reads system properties named as the keys, between the environment and the file. */
  public Settings withSystemProperties(Properties properties) {
    return new Settings(source, envPrefix, overrides, env, copy(properties), file);
  }

  /** Where the file came from, as messages name it. */
  public String source() {
    return source;
  }

  /** The env prefix of this process, e.g. {@code SECKILL_PRODUCT}. */
  public String envPrefix() {
    return envPrefix;
  }

  /** The environment variables that override {@code key}, strongest first. */
  public List<String> envNames(String key) {
    String suffix = key.toUpperCase(Locale.ROOT).replace('.', '_').replace('-', '_');
    String own = envPrefix + "_" + suffix;
    String shared = SHARED_PREFIX + "_" + suffix;
    return own.equals(shared) ? List.of(own) : List.of(own, shared);
  }

  /** The environment variables that set {@code setting}, strongest first, its port variable last. */
  public List<String> envNames(Setting<?> setting) {
    List<String> names = new ArrayList<>(envNames(setting.name()));
    setting.portEnv().ifPresent(names::add);
    return names;
  }

  /**
   * The raw value of {@code key} from the replacements, the environment, system properties (when on)
   * or the file, trimmed; no default and no port variable (for keys no setting declares).
   */
  public Optional<String> find(String key) {
    String v = overrides.getProperty(key);
    if (v == null) {
      v = fromEnv(key);
    }
    if (v == null && system != null) {
      v = system.getProperty(key);
    }
    if (v == null) {
      v = file.getProperty(key);
    }
    return Optional.ofNullable(v).map(String::trim);
  }

  /** Whether {@code key} is set by one of its own environment variables. */
  public boolean setInEnv(String key) {
    return envNames(key).stream().anyMatch(env::containsKey);
  }

  /** The checked value of {@code setting}; a missing or bad one throws ConfigException naming it. */
  public <T> T get(Setting<T> setting) {
    String raw = raw(setting);
    if (raw == null || (raw.isEmpty() && !setting.emptyAllowed())) {
      throw missing(setting);
    }
    try {
      return setting.parse(raw);
    } catch (IllegalArgumentException e) {
      throw invalid(setting, raw, e.getMessage());
    }
  }

  /** The message of each missing or bad one of {@code settings}, in order; empty when all are fine. */
  public List<String> problems(Collection<? extends Setting<?>> settings) {
    List<String> problems = new ArrayList<>();
    for (Setting<?> s : settings) {
      try {
        get(s);
      } catch (ConfigException e) {
        problems.add(e.getMessage());
      }
    }
    return problems;
  }

  /** Reads every one of {@code settings}; throws one ConfigException naming each missing or bad one. */
  public void check(Collection<? extends Setting<?>> settings) {
    fail(problems(settings));
  }

  /** Throws one ConfigException, prefixed with the source, listing {@code problems}; nothing when empty. */
  public void fail(List<String> problems) {
    if (!problems.isEmpty()) {
      throw new ConfigException(source + ": " + String.join("; ", problems));
    }
  }

  /** The error for a set but unusable {@code key}: names the key, its value, why, and where it came from. */
  public ConfigException invalid(String key, String value, String why) {
    return bad(key, value, why, envNames(key));
  }

  /** The error for a set but unusable {@code setting}, naming its env names and port variable. */
  public ConfigException invalid(Setting<?> setting, String value, String why) {
    return bad(setting.name(), value, why, envNames(setting));
  }

  /** The error for an unset {@code setting}. */
  public ConfigException missing(Setting<?> setting) {
    return new ConfigException("missing setting '" + setting.name() + "' (set it in " + source + " or env "
        + String.join(" / ", envNames(setting)) + ")");
  }

  private String raw(Setting<?> setting) {
    String key = setting.name();
    String v = overrides.getProperty(key);
    if (v == null) {
      v = fromEnv(key);
    }
    if (v == null && system != null) {
      v = system.getProperty(key);
    }
    if (v == null && setting.portEnv().isPresent()) {
      v = localFromPort(setting);
    }
    if (v == null) {
      v = file.getProperty(key);
    }
    if (v == null) {
      v = setting.defaultValue().orElse(null);
    }
    return v == null ? null : v.trim();
  }

  private String fromEnv(String key) {
    for (String name : envNames(key)) {
      String v = env.get(name);
      if (v != null) {
        return v;
      }
    }
    return null;
  }

  // The launcher exports only ports (SECKILL_KAFKA_PORT, SECKILL_DTM_GRPC_PORT, ...): a port alone means
  // the part on this host, so a stack moved to other ports is found without more settings.
  private String localFromPort(Setting<?> setting) {
    String name = setting.portEnv().orElseThrow();
    String v = env.get(name);
    if (v == null || v.isBlank()) {
      return null;
    }
    int port;
    try {
      port = Integer.parseInt(v.trim());
    } catch (NumberFormatException e) {
      port = -1;
    }
    if (port < 1 || port > 65535) {
      throw invalid(setting, v.trim(), name + " is not a port number (1..65535)");
    }
    return setting.local(port);
  }

  private ConfigException bad(String key, String value, String why, List<String> envNames) {
    return new ConfigException("bad setting '" + key + "' = '" + value + "': " + why + " (from " + source
        + " or env " + String.join(" / ", envNames) + ")");
  }

  private static Properties copy(Properties p) {
    Properties c = new Properties();
    c.putAll(p);
    return c;
  }
}
