package io.seckill.verify;

import io.seckill.runtime.ConfigException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Entry point of {@code ./seckill verify} and {@code ./seckill chaos}: exit 0 iff nothing is violated. */
public final class VerifierMain {
  /** Exit status for a usage, configuration or connection problem (distinct from a violation). */
  static final int EXIT_ERROR = 2;

  private VerifierMain() {
  }

  /** {@code verify [options]} or {@code chaos [options]}. */
  public static void main(String[] args) {
    int status;
    try {
      status = run(args);
    } catch (IllegalArgumentException | ConfigException e) {
      System.err.println("error: " + e.getMessage());
      status = EXIT_ERROR;
    } catch (Exception e) {
      System.err.println("error: " + e);
      if (e.getCause() != null) {
        System.err.println("  caused by: " + e.getCause());
      }
      status = EXIT_ERROR;
    }
    System.out.flush();
    System.exit(status);
  }

  static int run(String[] args) throws Exception {
    if (args.length == 0) {
      throw new IllegalArgumentException("usage: verify|chaos [options] (--help for the options)");
    }
    Map<String, String> opts = options(Arrays.copyOfRange(args, 1, args.length));
    VerifierConfig config = VerifierConfig.load();
    switch (args[0]) {
      case "verify":
        return verify(config, opts);
      case "chaos":
        return ChaosMain.run(config, opts);
      default:
        throw new IllegalArgumentException("unknown command '" + args[0] + "' (verify or chaos)");
    }
  }

  private static int verify(VerifierConfig config, Map<String, String> opts) throws Exception {
    if (opts.containsKey("help")) {
      System.out.println("""
          usage: ./seckill verify [--products A-B] [--timeout SECONDS] [--max-ids N] [--no-wait]
            --products A-B   check only products A..B (A- : from A on; A : one product); default all
            --timeout S      wait at most S seconds for the pipeline to go quiet (default wait.timeout-seconds, 120)
            --no-wait        check at once (same as --timeout 0)
            --max-ids N      name up to N offending ids per violated invariant (default 10)
          exit 0: every invariant holds; 1: a violation; 2: could not verify""");
      return 0;
    }
    known(opts, "products", "timeout", "no-wait", "max-ids");
    ProductRange range = opts.containsKey("products") ? ProductRange.parse(opts.get("products")) : ProductRange.ALL;
    int timeout = opts.containsKey("no-wait") ? 0 : intOpt(opts, "timeout", config.waitTimeoutSeconds());
    int maxIds = intOpt(opts, "max-ids", config.maxIds());
    try (StackReader reader = new StackReader(config)) {
      Verifier.Result r = new Verifier(reader, maxIds, config.pollMillis()).verify(range, Set.of(), timeout);
      Verifier.print(r, System.out);
      return r.passed() ? 0 : 1;
    }
  }

  /** Parses {@code --key value} and {@code --flag}; a value never starts with "--". */
  static Map<String, String> options(String[] args) {
    Map<String, String> out = new HashMap<>();
    List<String> rest = new ArrayList<>(Arrays.asList(args));
    for (int i = 0; i < rest.size(); i++) {
      String a = rest.get(i);
      if (!a.startsWith("--") || a.length() < 3) {
        throw new IllegalArgumentException("unexpected argument '" + a + "'");
      }
      String key = a.substring(2);
      int eq = key.indexOf('=');
      if (eq > 0) {
        out.put(key.substring(0, eq), key.substring(eq + 1));
      } else if (i + 1 < rest.size() && !rest.get(i + 1).startsWith("--")) {
        out.put(key, rest.get(++i));
      } else {
        out.put(key, "");
      }
    }
    return out;
  }

  static void known(Map<String, String> opts, String... keys) {
    List<String> allowed = Arrays.asList(keys);
    for (String k : opts.keySet()) {
      if (!allowed.contains(k)) {
        throw new IllegalArgumentException("unknown option --" + k + " (known: --" + String.join(", --", keys) + ")");
      }
    }
  }

  static int intOpt(Map<String, String> opts, String key, int fallback) {
    String v = opts.get(key);
    if (v == null) {
      return fallback;
    }
    try {
      int n = Integer.parseInt(v.trim());
      if (n < 0) {
        throw new NumberFormatException();
      }
      return n;
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("--" + key + " wants a whole number >= 0, got '" + v + "'");
    }
  }

  static long longOpt(Map<String, String> opts, String key, long fallback) {
    String v = opts.get(key);
    if (v == null) {
      return fallback;
    }
    try {
      return Long.parseLong(v.trim());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("--" + key + " wants a whole number, got '" + v + "'");
    }
  }
}
