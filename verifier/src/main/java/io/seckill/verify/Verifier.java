package io.seckill.verify;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Waits (bounded) for the pipeline to go quiet, then checks every invariant once. */
public final class Verifier {
  private static final Logger log = LoggerFactory.getLogger(Verifier.class);

  private final StackReader reader;
  private final int maxIds;
  private final int pollMillis;

  /** A verifier over {@code reader}. */
  public Verifier(StackReader reader, int maxIds, int pollMillis) {
    this.reader = reader;
    this.maxIds = maxIds;
    this.pollMillis = pollMillis;
  }

  /**
   * The outcome of one verification.
   *
   * @param checks every invariant, plus {@code pipeline.quiet}
   * @param quiet whether the pipeline went quiet within the bound
   * @param waitedMillis how long the wait took
   * @param snapshot the state the invariants were checked on
   */
  public record Result(List<Check> checks, boolean quiet, long waitedMillis, Snapshot snapshot) {
    /** The violated checks. */
    public List<Check> violations() {
      return checks.stream().filter(c -> !c.ok()).toList();
    }

    /** True when nothing is violated. */
    public boolean passed() {
      return violations().isEmpty();
    }
  }

  /** Waits up to {@code timeoutSeconds} for quiet (0: no wait), then checks {@code range}. */
  public Result verify(ProductRange range, Set<String> expected, int timeoutSeconds) throws Exception {
    long start = System.nanoTime();
    long deadline = start + timeoutSeconds * 1_000_000_000L;
    long lastLog = 0;
    Snapshot snapshot = null;
    boolean quiet = false;
    boolean full = false;
    Exception lastError = null;
    while (true) {
      try {
        // Polls skip DTM's lookups by gid (one request per known order) until the rest looks quiet;
        // then the full read decides, so a known gid DTM's scan did not list still keeps it waiting.
        snapshot = reader.read(range, expected, false);
        full = false;
        lastError = null;
        List<Check> q = Invariants.quiet(snapshot, maxIds);
        quiet = q.stream().allMatch(Check::ok);
        if (quiet) {
          snapshot = reader.read(range, expected, true);
          full = true;
          q = Invariants.quiet(snapshot, maxIds);
          quiet = q.stream().allMatch(Check::ok);
        }
        if (!quiet && System.nanoTime() - lastLog > 5_000_000_000L) {
          lastLog = System.nanoTime();
          log.info("waiting for quiet ({}s): {}", (lastLog - start) / 1_000_000_000L, describe(q));
        }
      } catch (Exception e) {
        // A part restarting (MariaDB, Kafka) is exactly what a chaos run causes: read again until the bound.
        lastError = e;
        quiet = false;
        log.info("cannot read the stack yet: {}", e.toString());
      }
      if (quiet || System.nanoTime() >= deadline) {
        break;
      }
      Thread.sleep(pollMillis);
    }
    if (snapshot == null || lastError != null) {
      throw new IllegalStateException("could not read the stack within " + timeoutSeconds + " s", lastError);
    }
    long waited = (System.nanoTime() - start) / 1_000_000;
    if (!full) {
      snapshot = finalRead(range, expected);
    }
    List<Check> checks = new ArrayList<>();
    checks.add(new Check("pipeline.quiet", "the pipeline goes quiet within the wait bound", "<= " + timeoutSeconds + " s",
        quiet ? String.format("%.1f s", waited / 1000.0) : "not quiet after " + timeoutSeconds + " s", quiet, List.of(),
        quiet ? 0 : 1));
    checks.addAll(Invariants.all(snapshot, maxIds));
    return new Result(checks, quiet, waited, snapshot);
  }

  /** The snapshot every invariant is checked on, with DTM's outcomes; a failed read is tried twice more. */
  private Snapshot finalRead(ProductRange range, Set<String> expected) throws Exception {
    for (int attempt = 1; ; attempt++) {
      try {
        return reader.read(range, expected, true);
      } catch (Exception e) {
        if (attempt == 3) {
          throw new IllegalStateException("could not read the final snapshot", e);
        }
        log.info("cannot read the final snapshot yet: {}", e.toString());
        Thread.sleep(pollMillis);
      }
    }
  }

  private static String describe(List<Check> quiet) {
    StringBuilder b = new StringBuilder();
    for (Check c : quiet) {
      if (!c.ok()) {
        b.append(c.name()).append('=').append(c.found()).append(' ');
      }
    }
    return b.toString().trim();
  }

  /** Prints the table: one row per invariant, then the offending ids of each violation. */
  public static void print(Result r, PrintStream out) {
    Snapshot s = r.snapshot();
    out.printf("verify: %s; %d products, %d orders, %d coupons, %d payments, %d Redis sales, %d expected ids%n",
        s.range(), s.products().size(), s.orders().size(), s.coupons().size(), s.payments().size(), s.sales().size(),
        s.expectedOrderIds().size());
    String fmt = "%-28s %-16s %-30s %-9s %s%n";
    out.printf(fmt, "CHECK", "EXPECTED", "FOUND", "RESULT", "INVARIANT");
    for (Check c : r.checks()) {
      out.printf(fmt, c.name(), c.expected(), c.found(), c.ok() ? "OK" : "VIOLATED", c.invariant());
    }
    for (Check c : r.violations()) {
      if (!c.offenders().isEmpty()) {
        out.printf("%s: %d offender(s)%s:%n", c.name(), c.offenderCount(),
            c.offenderCount() > c.offenders().size() ? ", first " + c.offenders().size() : "");
        c.offenders().forEach(o -> out.println("  - " + o));
      }
    }
    out.println(r.passed() ? "verify: OK, no invariant violated" : "verify: " + r.violations().size() + " invariant(s) VIOLATED");
  }
}
