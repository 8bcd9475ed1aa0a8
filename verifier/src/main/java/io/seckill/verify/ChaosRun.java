package io.seckill.verify;

import io.seckill.verify.Snapshot.Order;
import io.seckill.auth.StackSecrets;
import java.io.PrintStream;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Chaos rounds: per round a fresh product range, a seeded order stream into Kafka and, spread over
 * it, a seeded schedule of faults; then the pipeline settles and {@link Verifier} checks the range
 * (and every id sent) for violations, which must be none. Then, unless the pay share is 0, the
 * order's life after the TCC: payments racing a pulled-in deadline, expiries, and faults on that
 * path, verified again.
 */
public final class ChaosRun {
  private static final Logger log = LoggerFactory.getLogger(ChaosRun.class);
  /** Chaos products live from here on, away from the demo (1-20) and the verifier's tests (5,000,000+). */
  static final long PRODUCT_FLOOR = 6_000_000;

  /** Settings of a run; see {@code ./seckill chaos --help}. */
  public record Options(int rounds, int orders, long seed, int faults, List<Fault> faultList, double rate,
      int products, long stockPerProduct, int users, int settleSeconds, long pauseMillis, int duplicates, int poison,
      int maxIds, double payShare, int lifecycleFaults, List<Fault> lifecycleFaultList, double apiShare) {

    /** How many of the round's products are sold through the API: the share, at least one each way when mixed. */
    int apiProducts() {
      if (apiShare <= 0) {
        return 0;
      }
      if (apiShare >= 1) {
        return products;
      }
      if (products == 1) {
        return apiShare >= 0.5 ? 1 : 0;
      }
      return (int) Math.max(1, Math.min(products - 1, Math.round(products * apiShare)));
    }
  }

  /** What happened to one fault. */
  public record FaultResult(Fault fault, long atMillis, long tookMillis, String error) {}

  /** The report of one round. */
  public record RoundReport(int round, ProductRange range, long seed, int ordersSent, int duplicates, int poison,
      List<FaultResult> faults, Map<String, Integer> outcomes, long unitsSold, long stock, long settleMillis,
      Verifier.Result verify, LifecycleReport lifecycle, int apiProducts, Map<String, Integer> apiAnswers,
      List<String> apiProblems) {
    /**
     * Violations of both verifies, every buyer the API told "failed" who holds a confirmed order, and
     * every paid order the race left in a wrong state.
     */
    public int violations() {
      int n = verify.violations().size() + apiProblems.size();
      if (lifecycle != null) {
        n += lifecycle.verify().violations().size() + lifecycle.tally().problems().size();
      }
      return n;
    }
  }

  /**
   * The round's second phase, after the TCC: the confirmed orders' deadlines are pulled to a few
   * seconds from now, a share of their buyers pay around that deadline (signed callbacks through the
   * API) while faults hit the payment and expiry path, and the rest expire.
   *
   * @param awaiting orders AWAITING_PAYMENT when the phase began
   * @param paying how many of them were paid
   * @param callbacks the callbacks' final answers, by outcome
   * @param tally what became of the paid orders
   * @param statuses every sent order's final status
   * @param refunds refund records of the range
   */
  public record LifecycleReport(int awaiting, int paying, List<FaultResult> faults, Map<String, Integer> callbacks,
      PaymentRace.Tally tally, Map<String, Integer> statuses, int refunds, long settleMillis, Verifier.Result verify) {}

  /** How far ahead the lifecycle phase moves the deadlines, and how widely payments land around them. */
  private static final Duration LEAD = Duration.ofSeconds(6);
  private static final Duration SPREAD = Duration.ofSeconds(2);

  private final VerifierConfig config;
  private final StackControl stack;
  private final Options options;

  /** A run of {@code options} against {@code stack}. */
  public ChaosRun(VerifierConfig config, StackControl stack, Options options) {
    this.config = config;
    this.stack = stack;
    this.options = options;
  }

  /** Runs every round and returns their reports (printed to {@code out} as they finish). */
  public List<RoundReport> run(PrintStream out) throws Exception {
    List<RoundReport> reports = new ArrayList<>();
    try (StackReader reader = new StackReader(config)) {
      for (int r = 1; r <= options.rounds(); r++) {
        RoundReport report = round(reader, r);
        print(report, out);
        reports.add(report);
      }
    }
    return reports;
  }

  private RoundReport round(StackReader reader, int round) throws Exception {
    if (!stack.healthy()) {
      throw new IllegalStateException("the stack is not healthy (./seckill status); run ./seckill up first");
    }
    long seed = options.seed() * 1_000_003L + round;
    List<Fault> faults = options.faultList() != null ? options.faultList()
        : Fault.schedule(Fault.catalog(stack.services(), stack.dtms()), options.faults(), seed);
    long base = nextProductBase(reader);
    ChaosLoad load = new ChaosLoad(config, base, options.products(), options.stockPerProduct(), options.users(), seed,
        options.apiProducts(), stack.instances());
    load.writeFixtures(reader.databases().jdbc());
    load.openApiSales(config.adminUrl());
    log.info("round {}: {} ({} through the API), {} orders at {}/s, faults {}", round, load.range(),
        load.apiProducts(), options.orders(), options.rate(), faults);
    long loadMillis = (long) (options.orders() * 1000 / options.rate());
    long start = System.currentTimeMillis();
    AtomicReference<Exception> loadError = new AtomicReference<>();
    Thread sender = new Thread(() -> {
      try {
        for (int i = 0; i < options.orders(); i++) {
          synchronized (load) {
            load.sendOrder();
          }
          long due = start + (long) ((i + 1) * 1000 / options.rate());
          long wait = due - System.currentTimeMillis();
          if (wait > 0) {
            ChaosLoad.pace(wait);
          }
        }
      } catch (Exception e) {
        loadError.set(e);
      }
    }, "chaos-load");
    sender.start();
    Random rnd = new Random(seed ^ 0x5DEECE66DL);
    List<FaultResult> results = new ArrayList<>();
    for (int i = 0; i < faults.size(); i++) {
      long due = start + loadMillis * (i + 1) / (faults.size() + 1);
      long wait = due - System.currentTimeMillis();
      if (wait > 0) {
        Thread.sleep(wait);
      }
      results.add(inject(faults.get(i), load, rnd, start));
    }
    sender.join();
    if (loadError.get() != null) {
      throw new IllegalStateException("the order stream failed", loadError.get());
    }
    synchronized (load) {
      load.flush();
    }
    Set<String> ids = load.sentIds();
    long lastFault = System.currentTimeMillis();
    Verifier.Result verify = new Verifier(reader, options.maxIds(), config.pollMillis())
        .verify(load.range(), ids, options.settleSeconds());
    long settle = System.currentTimeMillis() - lastFault;
    if (verify.quiet()) {
      settle = verify.waitedMillis();
    }
    load.close();
    Map<String, Integer> outcomes = new TreeMap<>();
    long sold = 0;
    for (Order o : verify.snapshot().orders()) {
      if (!ids.contains(o.orderId())) {
        continue;
      }
      String key = o.confirmed() ? "CONFIRMED" : o.status() + " " + reasonClass(o.reason());
      outcomes.merge(key, 1, Integer::sum);
      if (o.confirmed()) {
        sold += o.quantity();
      }
    }
    ApiBuyers buyers = load.buyers();
    List<String> apiProblems = buyers == null ? List.of() : buyers.toldFailedButConfirmed(verify.snapshot().orders());
    LifecycleReport life = options.payShare() > 0 && verify.passed() ? lifecycle(reader, load, ids, verify, seed) : null;
    return new RoundReport(round, load.range(), seed, load.kafkaOrders() + (buyers == null ? 0 : buyers.sent()),
        load.duplicatesSent(), load.poisonSent(), results, outcomes, sold, load.totalStock(), settle, verify, life,
        load.apiProducts(), buyers == null ? Map.of() : buyers.histogram(), apiProblems);
  }

  private LifecycleReport lifecycle(StackReader reader, ChaosLoad load, Set<String> ids, Verifier.Result tcc,
      long seed) throws Exception {
    List<Order> awaiting = tcc.snapshot().orders().stream()
        .filter(o -> o.confirmed() && ids.contains(o.orderId())).collect(Collectors.toList());
    Random rnd = new Random(seed ^ 0x9E3779B97F4A7C15L);
    Collections.shuffle(awaiting, rnd);
    List<Order> paying = awaiting.subList(0, (int) Math.round(awaiting.size() * Math.min(1, options.payShare())));
    List<Fault> faults = options.lifecycleFaultList() != null ? options.lifecycleFaultList()
        : options.lifecycleFaults() <= 0 ? List.of()
        : Fault.schedule(Fault.lifecycleCatalog(stack.services(), stack.dtms()), options.lifecycleFaults(),
            seed ^ 0x1F3D5B79L);
    try (PaymentRace race = new PaymentRace(config.apiUrl(), StackSecrets.fromEnv().providerSignature(),
        Duration.ofSeconds(Math.max(60, options.settleSeconds())))) {
      long[] pulled = PaymentRace.pullDeadlines(reader.databases().jdbc(), load.range(), LEAD);
      long deadline = pulled[0];
      long start = deadline - LEAD.toMillis();
      log.info("lifecycle: {} orders awaiting payment, {} paying around +{} s, faults {}", pulled[1], paying.size(),
          LEAD.toSeconds(), faults);
      race.pay(paying, deadline, SPREAD, rnd);
      // The faults land from just before the deadline to a few seconds after it: payments, closes
      // and expiries all in flight.
      List<FaultResult> results = new ArrayList<>();
      for (int i = 0; i < faults.size(); i++) {
        long due = deadline - 1_500 + 5_500L * i / faults.size();
        long wait = due - System.currentTimeMillis();
        if (wait > 0) {
          Thread.sleep(wait);
        }
        results.add(inject(faults.get(i), load, rnd, start));
      }
      Map<String, Integer> callbacks = race.await(Duration.ofSeconds(Math.max(120, options.settleSeconds() + 60L)));
      long lastFault = System.currentTimeMillis();
      Verifier.Result verify = new Verifier(reader, options.maxIds(), config.pollMillis())
          .verify(load.range(), ids, options.settleSeconds());
      long settle = verify.quiet() ? verify.waitedMillis() : System.currentTimeMillis() - lastFault;
      Map<String, Integer> statuses = new TreeMap<>();
      verify.snapshot().orders().stream().filter(o -> ids.contains(o.orderId()))
          .forEach(o -> statuses.merge(o.status(), 1, Integer::sum));
      return new LifecycleReport((int) pulled[1], paying.size(), results, callbacks, race.tally(verify.snapshot()),
          statuses, verify.snapshot().lifecycle().refunds().size(), settle, verify);
    }
  }

  /** "REFUSED product-rpc: ..." -> "REFUSED product-rpc"; reasons are short and start with a class word. */
  static String reasonClass(String reason) {
    if (reason == null || reason.isBlank()) {
      return "(no reason)";
    }
    String r = reason.replaceAll(":.*", "");
    String[] words = r.trim().split("\\s+");
    return words.length >= 2 ? words[0] + " " + words[1] : words[0];
  }

  private FaultResult inject(Fault f, ChaosLoad load, Random rnd, long start) {
    long at = System.currentTimeMillis();
    String error = null;
    try {
      switch (f.kind()) {
        case KILL -> {
          if (!stack.kill(f.target())) {
            error = f.target() + " was not running";
          }
          // Down for a moment, as a crashed process supervised by a restarter would be.
          Thread.sleep(500 + rnd.nextInt(1500));
          stack.start(f.target());
        }
        case SLOW -> {
          if (!stack.pause(f.target(), options.pauseMillis())) {
            error = f.target() + " was not running";
          }
        }
        case DUPLICATE -> {
          synchronized (load) {
            load.duplicateBatch(options.duplicates());
          }
        }
        case POISON -> {
          synchronized (load) {
            load.poisonBurst(options.poison());
          }
        }
        case RESTART -> stack.restart(f.target());
        default -> throw new IllegalStateException("unknown fault " + f);
      }
    } catch (Exception e) {
      error = e.toString();
    }
    long took = System.currentTimeMillis() - at;
    log.info("fault {} at +{} ms took {} ms{}", f, at - start, took, error == null ? "" : " (" + error + ")");
    return new FaultResult(f, at - start, took, error);
  }

  private static long nextProductBase(StackReader reader) throws Exception {
    try (PreparedStatement ps = reader.databases().jdbc().prepareStatement(
        "SELECT COALESCE(MAX(id), 0) FROM seckill_product.product WHERE id BETWEEN ? AND ?")) {
      ps.setLong(1, PRODUCT_FLOOR);
      ps.setLong(2, PRODUCT_FLOOR + 900_000_000L);
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        long max = rs.getLong(1);
        return max < PRODUCT_FLOOR ? PRODUCT_FLOOR : (max / 1000 + 1) * 1000;
      }
    }
  }

  /** Prints one round's report. */
  public static void print(RoundReport r, PrintStream out) {
    out.printf("%n=== chaos round %d (seed %d, %s) ===%n", r.round(), r.seed(), r.range());
    out.printf("orders sent: %d valid + %d duplicates + %d poison; stock %d, units sold %d%n", r.ordersSent(),
        r.duplicates(), r.poison(), r.stock(), r.unitsSold());
    if (r.apiProducts() > 0) {
      out.printf("through the API (%d of the products): answers %s%n", r.apiProducts(), r.apiAnswers());
      r.apiProblems().stream().limit(20).forEach(p -> out.println("  VIOLATION " + p));
    }
    out.printf("faults injected: %d%n", r.faults().size());
    for (FaultResult f : r.faults()) {
      out.printf("  +%6.1f s  %-24s took %5.1f s%s%n", f.atMillis() / 1000.0, f.fault(), f.tookMillis() / 1000.0,
          f.error() == null ? "" : "  ERROR " + f.error());
    }
    out.println("outcomes:");
    r.outcomes().forEach((k, v) -> out.printf("  %-40s %d%n", k, v));
    out.printf("time to settle after the last fault: %.1f s%s%n", r.settleMillis() / 1000.0,
        r.verify().quiet() ? "" : " (NOT quiet within the bound)");
    Verifier.print(r.verify(), out);
    LifecycleReport l = r.lifecycle();
    if (l != null) {
      out.printf("--- after the TCC: %d orders awaiting payment, deadline pulled to +%d s, %d buyers pay around it%n",
          l.awaiting(), LEAD.toSeconds(), l.paying());
      for (FaultResult f : l.faults()) {
        out.printf("  +%6.1f s  %-24s took %5.1f s%s%n", f.atMillis() / 1000.0, f.fault(), f.tookMillis() / 1000.0,
            f.error() == null ? "" : "  ERROR " + f.error());
      }
      out.printf("callbacks answered: %s%n", l.callbacks());
      out.printf("paid %d, paid then expired (refunded) %d, refund records %d; final statuses %s%n", l.tally().paid(),
          l.tally().expired(), l.refunds(), l.statuses());
      l.tally().problems().stream().limit(20).forEach(p -> out.println("  VIOLATION " + p));
      out.printf("time to settle after the last fault: %.1f s%s%n", l.settleMillis() / 1000.0,
          l.verify().quiet() ? "" : " (NOT quiet within the bound)");
      Verifier.print(l.verify(), out);
    }
    out.printf("violations: %d%n", r.violations());
  }
}
