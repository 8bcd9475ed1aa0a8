package io.seckill.verify;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code ./seckill chaos}: options, the run, a summary; exit 0 iff no round had a violation. */
@Command(name = "chaos", sortOptions = false, abbreviateSynopsis = true,
    description = {"Seeded load and faults (kills and restarts, slow branches, duplicate deliveries, poison bursts,"
        + " a MariaDB restart), then settle and verify.",
        "After the TCC, each round pulls its orders' payment deadline to a few seconds ahead; some buyers pay"
            + " around it (signed callbacks through the API), the rest expire; then everything is verified again"
            + " (--pay-share, --lifecycle-faults, --lifecycle-fault-list)."},
    footer = "exit 0: no round had a violation; 1: a violation; 2: could not run")
final class ChaosMain implements Callable<Integer> {
  @Option(names = "--rounds", defaultValue = "1", paramLabel = "N", converter = Cli.Count.class,
      description = "rounds, each on fresh products (default: ${DEFAULT-VALUE})")
  int rounds;

  @Option(names = "--orders", defaultValue = "1000", paramLabel = "N", converter = Cli.Count.class,
      description = "valid orders per round, sent to Kafka (default: ${DEFAULT-VALUE})")
  int orders;

  @Option(names = "--seed", defaultValue = "42", paramLabel = "S", converter = Cli.WholeNumber.class,
      description = "seeds the orders and the fault schedule: same seed, same run (default: ${DEFAULT-VALUE})")
  long seed;

  @Option(names = "--faults", defaultValue = "0", paramLabel = "K", converter = Cli.Count.class,
      description = "faults per round, drawn without repeats from every type (default: ${DEFAULT-VALUE} = all types:"
          + " kill each service and dtm, slow each branch, duplicates, poison, restart mariadb)")
  int faults;

  @Option(names = "--fault-list", paramLabel = "L",
      description = "exact faults instead, e.g. kill:product-rpc,slow:pay-rpc,duplicate,poison,restart:mariadb")
  String faultList;

  @Option(names = "--rate", defaultValue = "100", paramLabel = "R",
      description = "orders per second, > 0 (default: ${DEFAULT-VALUE})")
  double rate;

  @Option(names = "--products", defaultValue = "10", paramLabel = "K", converter = Cli.Count.class,
      description = "products per round (default: ${DEFAULT-VALUE})")
  int products;

  @Option(names = "--stock", paramLabel = "S", converter = Cli.WholeNumber.class,
      description = "units of each product (default: 60%% of demand)")
  Long stock;

  @Option(names = "--users", paramLabel = "U", converter = Cli.Count.class,
      description = "distinct buyers (default: 70%% of orders)")
  Integer users;

  @Option(names = "--settle", defaultValue = "180", paramLabel = "S", converter = Cli.Count.class,
      description = "seconds to wait for quiet before verifying (default: ${DEFAULT-VALUE})")
  int settle;

  @Option(names = "--pause-ms", defaultValue = "5000", paramLabel = "M", converter = Cli.WholeNumber.class,
      description = "how long a slow branch is stopped (default: ${DEFAULT-VALUE}, above DTM's 3 s request timeout)")
  long pauseMs;

  @Option(names = "--duplicates", defaultValue = "50", paramLabel = "N", converter = Cli.Count.class,
      description = "messages re-sent per duplicate fault (default: ${DEFAULT-VALUE})")
  int duplicates;

  @Option(names = "--poison", defaultValue = "20", paramLabel = "N", converter = Cli.Count.class,
      description = "malformed messages per poison burst (default: ${DEFAULT-VALUE})")
  int poison;

  @Option(names = "--max-ids", paramLabel = "N", converter = Cli.Count.class,
      description = "name up to N offending ids per violated invariant (default 10)")
  Integer maxIds;

  @Option(names = "--api-share", defaultValue = "0.5", paramLabel = "F", converter = Cli.Share.class,
      description = "share of the products sold through the API's buyer port, each order a buyer's HTTP request with"
          + " a token, 0..1 (default: ${DEFAULT-VALUE}; the rest go straight to Kafka; 0 = all Kafka)")
  double apiShare;

  @Option(names = "--pay-share", defaultValue = "0.5", paramLabel = "F", converter = Cli.Share.class,
      description = "share of the awaiting orders that pay, 0..1 (default: ${DEFAULT-VALUE}; 0 skips this phase)")
  double payShare;

  @Option(names = "--lifecycle-faults", defaultValue = "3", paramLabel = "K", converter = Cli.Count.class,
      description = "faults while orders pay and expire, drawn from: kill seckill-api (the expirer) and each branch,"
          + " kill dtm, slow pay-rpc (default: ${DEFAULT-VALUE}; 0 = none)")
  int lifecycleFaults;

  @Option(names = "--lifecycle-fault-list", paramLabel = "L",
      description = "exact faults instead, e.g. kill:pay-rpc,kill:seckill-api")
  String lifecycleFaultList;

  @Option(names = {"-h", "--help"}, usageHelp = true, description = "show this help and exit")
  boolean help;

  @Spec
  CommandSpec spec;

  ChaosMain() {
  }

  /**
   * The run's options, checked ({@code defaultMaxIds} when --max-ids is not given): a usage error
   * names the option.
   */
  ChaosRun.Options options(int defaultMaxIds) {
    if (!(rate > 0)) {
      throw new CommandLine.ParameterException(spec.commandLine(), "--rate must be > 0, not " + rate);
    }
    int n = Math.max(1, orders);
    int k = Math.max(1, products);
    return new ChaosRun.Options(Math.max(1, rounds), n, seed, faults, faults("--fault-list", faultList), rate, k,
        stock != null ? stock : Math.max(1, n * 6L / 10 / k), Math.max(2, users != null ? users : Math.max(2, n * 7 / 10)),
        settle, pauseMs, duplicates, poison, maxIds != null ? maxIds : defaultMaxIds, payShare, lifecycleFaults,
        faults("--lifecycle-fault-list", lifecycleFaultList), apiShare);
  }

  private List<Fault> faults(String option, String text) {
    if (text == null) {
      return null;
    }
    try {
      return parseFaults(text);
    } catch (IllegalArgumentException e) {
      throw new CommandLine.ParameterException(spec.commandLine(), option + ": " + e.getMessage());
    }
  }

  @Override
  public Integer call() throws Exception {
    VerifierConfig config = VerifierConfig.load();
    ChaosRun.Options o = options(config.maxIds());
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
