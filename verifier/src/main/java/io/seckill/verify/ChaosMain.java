package io.seckill.verify;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** {@code ./seckill chaos}: options, the run, a summary; exit 0 iff no round had a violation. */
final class ChaosMain {
  private ChaosMain() {
  }

  static int run(VerifierConfig config, Map<String, String> opts) throws Exception {
    if (opts.containsKey("help")) {
      System.out.println("""
          usage: ./seckill chaos [--rounds N] [--orders N] [--seed S] [options]
            --rounds N        rounds, each on fresh products (default 1)
            --orders N        valid orders per round, sent to Kafka (default 1000)
            --seed S          seeds the orders and the fault schedule: same seed, same run (default 42)
            --faults K        faults per round, drawn without repeats from every type (default 0 = all types:
                              kill each service and dtm, slow each branch, duplicates, poison, restart mariadb)
            --fault-list L    exact faults instead, e.g. kill:product-rpc,slow:pay-rpc,duplicate,poison,restart:mariadb
            --rate R          orders per second (default 100)
            --products K      products per round (default 10); --stock S units each (default 60% of demand)
            --users U         distinct buyers (default 70% of orders)
            --settle S        seconds to wait for quiet before verifying (default 180)
            --pause-ms M      how long a slow branch is stopped (default 5000, above DTM's 3 s request timeout)
            --duplicates N    messages re-sent per duplicate fault (default 50); --poison N per burst (default 20)
            --api-share F     share of the products sold through the API's buyer port, each order a buyer's HTTP
                              request with a token (default 0.5; the rest go straight to Kafka; 0 = all Kafka)
          after the TCC, each round pulls its orders' payment deadline to a few seconds ahead; some buyers pay
          around it (signed callbacks through the API), the rest expire; then everything is verified again:
            --pay-share F     share of the awaiting orders that pay, 0..1 (default 0.5; 0 skips this phase)
            --lifecycle-faults K  faults during it, drawn from: kill seckill-api (the expirer) and each branch,
                              kill dtm, slow pay-rpc (default 3; 0 = none)
            --lifecycle-fault-list L  exact faults instead, e.g. kill:pay-rpc,kill:seckill-api
          exit 0: no round had a violation; 1: a violation; 2: could not run""");
      return 0;
    }
    VerifierMain.known(opts, "rounds", "orders", "seed", "faults", "fault-list", "rate", "products", "stock", "users",
        "settle", "pause-ms", "duplicates", "poison", "max-ids", "pay-share", "lifecycle-faults", "lifecycle-fault-list",
        "api-share");
    int orders = Math.max(1, VerifierMain.intOpt(opts, "orders", 1000));
    int products = Math.max(1, VerifierMain.intOpt(opts, "products", 10));
    double rate = opts.containsKey("rate") ? Double.parseDouble(opts.get("rate")) : 100;
    if (!(rate > 0)) {
      throw new IllegalArgumentException("--rate must be > 0");
    }
    double payShare = opts.containsKey("pay-share") ? Double.parseDouble(opts.get("pay-share")) : 0.5;
    if (!(payShare >= 0 && payShare <= 1)) {
      throw new IllegalArgumentException("--pay-share must be between 0 and 1");
    }
    double apiShare = opts.containsKey("api-share") ? Double.parseDouble(opts.get("api-share")) : 0.5;
    if (!(apiShare >= 0 && apiShare <= 1)) {
      throw new IllegalArgumentException("--api-share must be between 0 and 1");
    }
    ChaosRun.Options o = new ChaosRun.Options(Math.max(1, VerifierMain.intOpt(opts, "rounds", 1)), orders,
        VerifierMain.longOpt(opts, "seed", 42), VerifierMain.intOpt(opts, "faults", 0),
        opts.containsKey("fault-list") ? parseFaults(opts.get("fault-list")) : null, rate, products,
        VerifierMain.longOpt(opts, "stock", Math.max(1, orders * 6L / 10 / products)),
        Math.max(2, VerifierMain.intOpt(opts, "users", Math.max(2, orders * 7 / 10))),
        VerifierMain.intOpt(opts, "settle", 180), VerifierMain.longOpt(opts, "pause-ms", 5000),
        VerifierMain.intOpt(opts, "duplicates", 50), VerifierMain.intOpt(opts, "poison", 20),
        VerifierMain.intOpt(opts, "max-ids", config.maxIds()), payShare,
        VerifierMain.intOpt(opts, "lifecycle-faults", 3),
        opts.containsKey("lifecycle-fault-list") ? parseFaults(opts.get("lifecycle-fault-list")) : null, apiShare);
    List<ChaosRun.RoundReport> reports = new ChaosRun(config, new StackControl(StackControl.findRoot()), o)
        .run(System.out);
    int violated = 0;
    System.out.println("\n=== chaos summary ===");
    for (ChaosRun.RoundReport r : reports) {
      violated += r.violations();
      System.out.printf("round %d: %d orders, %d faults (%d failed to inject), settled in %.1f s%s, %d violation(s)%n",
          r.round(), r.ordersSent(), r.faults().size(), r.faults().stream().filter(f -> f.error() != null).count(),
          r.settleMillis() / 1000.0, lifecycleSummary(r.lifecycle()), r.violations());
    }
    System.out.println(violated == 0 ? "chaos: OK, 0 violations" : "chaos: " + violated + " violation(s)");
    return violated == 0 ? 0 : 1;
  }

  private static String lifecycleSummary(ChaosRun.LifecycleReport l) {
    if (l == null) {
      return "";
    }
    return String.format("; then %d paid, %d expired (%d after paying, refunded), %d lifecycle faults, settled in %.1f s",
        l.statuses().getOrDefault("PAID", 0), l.statuses().getOrDefault("EXPIRED", 0), l.tally().expired(),
        l.faults().size(), l.settleMillis() / 1000.0);
  }

  /** {@code kill:product-rpc,slow:pay-rpc,duplicate,poison,restart:mariadb}. */
  static List<Fault> parseFaults(String text) {
    List<Fault> out = new ArrayList<>();
    for (String item : text.split(",")) {
      String[] kv = item.trim().split(":", 2);
      Fault.Kind kind;
      try {
        kind = Fault.Kind.valueOf(kv[0].trim().toUpperCase());
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("unknown fault '" + kv[0] + "' (kill, slow, duplicate, poison, restart)");
      }
      String target = kv.length > 1 ? kv[1].trim() : "";
      boolean needsTarget = kind == Fault.Kind.KILL || kind == Fault.Kind.SLOW || kind == Fault.Kind.RESTART;
      if (needsTarget == target.isEmpty()) {
        throw new IllegalArgumentException("fault '" + item + "': kill/slow/restart need :part, duplicate/poison none");
      }
      out.add(new Fault(kind, target));
    }
    return out;
  }
}
