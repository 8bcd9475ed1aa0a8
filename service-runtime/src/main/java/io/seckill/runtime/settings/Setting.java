package io.seckill.runtime.settings;

import java.net.URI;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * One setting, declared once: its key, its type and allowed values, its default (if any) and the
 * launcher's port variable that alone may stand for it. {@link Settings#get} resolves and checks it.
 *
 * <p>The environment names of a key follow from the reader's prefix ({@link Settings#envNames});
 * {@link #portAlone} adds one more, the launcher's bare port variable, which means
 * {@value Settings#LOCAL_HOST} on that port.
 *
 * @param <T> the type of the checked value
 */
public final class Setting<T> {

  /** Turns a raw (trimmed) value into a checked one; an IllegalArgumentException's message says why not. */
  @FunctionalInterface
  public interface Parser<T> {
    /** The checked value of {@code value}; throws IllegalArgumentException with the reason it is bad. */
    T parse(String value);
  }

  private static final Pattern TARGET = Pattern.compile("(\\[[0-9A-Fa-f:.]+\\]|[A-Za-z0-9.\\-]+):([0-9]{1,5})");

  private final String name;
  private final boolean emptyAllowed;
  private final Parser<T> parser;
  private final String defaultValue;
  private final String portEnv;
  private final String localScheme;

  private Setting(String name, boolean emptyAllowed, Parser<T> parser, String defaultValue, String portEnv,
      String localScheme) {
    if (name == null || name.isBlank()) {
      throw new IllegalArgumentException("a setting needs a name");
    }
    this.name = name;
    this.emptyAllowed = emptyAllowed;
    this.parser = Objects.requireNonNull(parser, "parser");
    this.defaultValue = defaultValue;
    this.portEnv = portEnv;
    this.localScheme = localScheme;
  }

  /** A setting of any type: {@code parser} checks the value; {@code emptyAllowed} lets an empty one through to it. */
  public static <T> Setting<T> of(String name, boolean emptyAllowed, Parser<T> parser) {
    return new Setting<>(name, emptyAllowed, parser, null, null, "");
  }

  /** A string that must be set and not blank. */
  public static Setting<String> string(String name) {
    return of(name, false, v -> v);
  }

  /** A string that must be set but may be empty (a password, extra parameters). */
  public static Setting<String> stringOrEmpty(String name) {
    return of(name, true, v -> v);
  }

  /** A whole number in {@code [min, max]}. */
  public static Setting<Integer> integer(String name, int min, int max) {
    return of(name, false, v -> (int) whole(v, min, max));
  }

  /** A whole number in {@code [min, max]}, as a long. */
  public static Setting<Long> longInteger(String name, long min, long max) {
    return of(name, false, v -> whole(v, min, max));
  }

  /** A number in {@code [min, max]}. */
  public static Setting<Double> decimal(String name, double min, double max) {
    return of(name, false, v -> {
      double d;
      try {
        d = Double.parseDouble(v);
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("is not a number");
      }
      if (!(d >= min && d <= max)) {
        throw new IllegalArgumentException("is outside " + min + ".." + max);
      }
      return d;
    });
  }

  /** {@code true} or {@code false}, nothing else. */
  public static Setting<Boolean> bool(String name) {
    return of(name, false, v -> {
      if (v.equals("true") || v.equals("false")) {
        return Boolean.parseBoolean(v);
      }
      throw new IllegalArgumentException("is not true or false");
    });
  }

  /** An ISO-8601 duration (PT15M, PT20S) in {@code [min, max]}. */
  public static Setting<Duration> duration(String name, Duration min, Duration max) {
    return of(name, false, v -> {
      Duration d;
      try {
        d = Duration.parse(v);
      } catch (DateTimeParseException e) {
        throw new IllegalArgumentException("is not an ISO-8601 duration such as PT15M or PT20S");
      }
      if (d.compareTo(min) < 0 || d.compareTo(max) > 0) {
        throw new IllegalArgumentException("is outside " + min + ".." + max);
      }
      return d;
    });
  }

  /** A whole number of milliseconds in {@code [min, max]}. */
  public static Setting<Duration> millis(String name, long min, long max) {
    return of(name, false, v -> Duration.ofMillis(whole(v, min, max)));
  }

  /** A whole number of seconds in {@code [min, max]}. */
  public static Setting<Duration> seconds(String name, long min, long max) {
    return of(name, false, v -> Duration.ofSeconds(whole(v, min, max)));
  }

  /** One of {@code allowed}, exactly. */
  public static Setting<String> oneOf(String name, String... allowed) {
    List<String> values = List.of(allowed);
    return of(name, false, v -> {
      if (values.contains(v)) {
        return v;
      }
      throw new IllegalArgumentException("is not one of " + String.join(", ", values));
    });
  }

  /** A {@code host:port} (the host a name, an IPv4 address or a bracketed IPv6 one; the port 1..65535). */
  public static Setting<String> target(String name) {
    return of(name, false, v -> {
      var m = TARGET.matcher(v);
      if (!m.matches() || Integer.parseInt(m.group(2)) < 1 || Integer.parseInt(m.group(2)) > 65535) {
        throw new IllegalArgumentException("must be host:port");
      }
      return v;
    });
  }

  /** An http(s) URL with a host; {@link #portAlone} makes it {@code http://127.0.0.1:<port>}. */
  public static Setting<URI> httpUrl(String name) {
    return new Setting<>(name, false, v -> {
      URI uri;
      try {
        uri = URI.create(v);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("is not a URL");
      }
      String scheme = uri.getScheme() == null ? "" : uri.getScheme();
      if (!(scheme.equals("http") || scheme.equals("https")) || uri.getHost() == null) {
        throw new IllegalArgumentException("must be an http(s) URL");
      }
      return uri;
    }, null, null, "http://");
  }

  /** A comma-separated list, each entry trimmed, blank ones dropped; unset or empty is the empty list. */
  public static Setting<List<String>> list(String name) {
    return new Setting<>(name, true, v -> {
      List<String> out = new ArrayList<>();
      for (String part : v.split(",")) {
        if (!part.isBlank()) {
          out.add(part.strip());
        }
      }
      return List.copyOf(out);
    }, "", null, "");
  }

  /** A file path that must be set. */
  public static Setting<Path> path(String name) {
    return of(name, false, Setting::toPath);
  }

  /** A file path that must be present but may be empty: empty is none. */
  public static Setting<Optional<Path>> optionalPath(String name) {
    return of(name, true, v -> v.isEmpty() ? Optional.empty() : Optional.of(toPath(v)));
  }

  /** This setting with a default, used when neither the environment nor the file sets the key. */
  public Setting<T> withDefault(String value) {
    return new Setting<>(name, emptyAllowed, parser, Objects.requireNonNull(value, "value"), portEnv, localScheme);
  }

  /**
   * This setting, also set by the launcher's port variable {@code envName} alone: a port there means
   * {@value Settings#LOCAL_HOST} on that port, below the key's own env names but above the file.
   */
  public Setting<T> portAlone(String envName) {
    return new Setting<>(name, emptyAllowed, parser, defaultValue, Objects.requireNonNull(envName, "envName"),
        localScheme);
  }

  /** The key, e.g. {@code db.port}. */
  public String name() {
    return name;
  }

  /** The default, if declared. */
  public Optional<String> defaultValue() {
    return Optional.ofNullable(defaultValue);
  }

  /** The launcher's port variable that alone stands for this setting, if any. */
  public Optional<String> portEnv() {
    return Optional.ofNullable(portEnv);
  }

  /** Whether an empty value is a value (else it counts as missing). */
  public boolean emptyAllowed() {
    return emptyAllowed;
  }

  /** The local address a bare port stands for: {@code 127.0.0.1:<port>}, with a scheme for URLs. */
  String local(int port) {
    return localScheme + Settings.LOCAL_HOST + ":" + port;
  }

  /** Checks {@code value} (set, trimmed); IllegalArgumentException says why it is bad. */
  T parse(String value) {
    return parser.parse(value);
  }

  /** The key, so a setting reads well in messages. */
  @Override
  public String toString() {
    return name;
  }

  private static long whole(String v, long min, long max) {
    long n;
    try {
      n = Long.parseLong(v);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("is not a whole number");
    }
    if (n < min || n > max) {
      throw new IllegalArgumentException("is outside " + min + ".." + max);
    }
    return n;
  }

  private static Path toPath(String v) {
    try {
      return Path.of(v);
    } catch (InvalidPathException e) {
      throw new IllegalArgumentException("is not a file path");
    }
  }
}
