package io.seckill.load;

import java.nio.file.Path;
import java.util.Locale;
import picocli.CommandLine;
import picocli.CommandLine.Option;

/**
 * The options of one load run, parsed from the command line ({@link Flags}, read by picocli). Every
 * option has a default, so {@code parse()} of no arguments is a valid small run; {@link #validate()}
 * names the first bad value.
 *
 * @param mode kafka (straight to the topic) or api (through seckill-api)
 * @param count valid orders to send (bad messages come on top, see badFraction)
 * @param rate orders per second, 0 for as fast as possible
 * @param products distinct products the orders spread over
 * @param stockPerProduct initial stock of each product this run sets up
 * @param users distinct buyers (user ids 1..users, shifted by userBase)
 * @param couponShare fraction of orders that carry a coupon
 * @param hotSkew fraction of orders aimed at the first product (the rest spread uniformly)
 * @param badFraction bad messages per valid order (kafka mode): they must all land in the DLQ
 * @param productBase the first product id, or 0 to pick fresh ids above every existing one
 * @param seed the seed of the generator, so a run can be repeated exactly
 * @param json where to write the summary as JSON, or null
 * @param concurrency api mode: requests in flight at most
 * @param waitSeconds stop waiting once no order became final for this long
 * @param setup kafka mode: insert the run's products and coupons (false: they must exist)
 * @param resetSale api mode: reset the products' stock and coupons first (demo ids only)
 * @param openSale api mode: open the products' sale through the admin listener first
 * @param couponBase the first coupon id (api mode: user u owns coupon couponBase + u - 1)
 * @param couponUsers api mode: users 1..couponUsers own a coupon
 * @param userBase added to every generated user id, so runs need not share buyers
 * @param oversizeBytes size of the deliberately oversized messages
 * @param runId prefix of every order id of this run, or null to mint one
 * @param quiet no live progress line
 */
public record LoadOptions(Mode mode, int count, double rate, int products, long stockPerProduct, long users,
    double couponShare, double hotSkew, double badFraction, long productBase, long seed, Path json,
    int concurrency, int waitSeconds, boolean setup, boolean resetSale, boolean openSale, long couponBase,
    long couponUsers, long userBase, int oversizeBytes, String runId, boolean quiet) {

  /** Where the orders go. */
  public enum Mode { KAFKA, API }

  /** Thrown for an unknown option or a value out of range; the message is meant for the user. */
  public static final class UsageException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    UsageException(String message) {
      super(message);
    }
  }

  /**
   * Parses {@code args} (the flags of {@code ./seckill load}, see {@link Flags}); throws {@link
   * UsageException} naming the bad option.
   */
  public static LoadOptions parse(String... args) {
    Flags flags = new Flags();
    try {
      Cli.commandLine(flags).parseArgs(args);
    } catch (CommandLine.ParameterException e) {
      throw new UsageException(e.getMessage());
    }
    return flags.toOptions();
  }

  /** Fails with a {@link UsageException} naming the first option out of range. */
  public void validate() {
    require(count >= 1, "--count must be >= 1");
    require(rate >= 0, "--rate must be a positive number or max");
    require(products >= 1, "--products must be >= 1");
    require(stockPerProduct >= 0, "--stock-per-product must be >= 0");
    require(users >= 1, "--users must be >= 1");
    require(couponShare >= 0 && couponShare <= 1, "--coupon-share must be within 0..1");
    require(hotSkew >= 0 && hotSkew <= 1, "--hot-skew must be within 0..1");
    require(badFraction >= 0 && badFraction <= 1, "--bad-fraction must be within 0..1");
    require(badFraction == 0 || mode == Mode.KAFKA,
        "--bad-fraction needs --mode kafka (the API refuses malformed requests itself)");
    require(productBase >= 0, "--product-base must be >= 0");
    require(concurrency >= 1 && concurrency <= 10_000, "--concurrency must be within 1..10000");
    require(waitSeconds >= 1, "--wait-seconds must be >= 1");
    require(couponBase >= 0 && couponUsers >= 0 && userBase >= 0, "--coupon-base, --coupon-users, --user-base must be >= 0");
    require(oversizeBytes >= 1024 && oversizeBytes <= 900_000, "--oversize-bytes must be within 1024..900000");
    require(runId == null || runId.matches("[A-Za-z0-9]{1,20}"), "--run-id must be 1-20 letters or digits");
    require(!(resetSale || openSale) || mode == Mode.API, "--reset-sale and --open-sale need --mode api");
  }

  private static void require(boolean ok, String message) {
    if (!ok) {
      throw new UsageException(message);
    }
  }

  /** The same options with another mode, count, rate, seed, run id and JSON file (for the bench). */
  public LoadOptions withRun(int newCount, double newRate, long newSeed, String newRunId, Path newJson) {
    return new LoadOptions(mode, newCount, newRate, products, stockPerProduct, users, couponShare, hotSkew,
        badFraction, productBase, newSeed, newJson, concurrency, waitSeconds, setup, resetSale, openSale,
        couponBase, couponUsers, userBase, oversizeBytes, newRunId, quiet);
  }

  /** The same options with another product and coupon base (fresh ids for each bench run). */
  public LoadOptions withBases(long newProductBase, long newCouponBase) {
    return new LoadOptions(mode, count, rate, products, stockPerProduct, users, couponShare, hotSkew,
        badFraction, newProductBase, seed, json, concurrency, waitSeconds, setup, resetSale, openSale,
        newCouponBase, couponUsers, userBase, oversizeBytes, runId, quiet);
  }

  /**
   * The command-line flags of a load run, read by picocli; {@link LoadMain} mixes them into its
   * command and {@link #toOptions()} turns them into the immutable options.
   */
  public static final class Flags {
    @Option(names = "--mode", defaultValue = "kafka", converter = ModeConverter.class, paramLabel = "kafka|api",
        description = "kafka: straight to topic seckill.orders; api: through seckill-api (default: ${DEFAULT-VALUE})")
    Mode mode;

    @Option(names = "--count", defaultValue = "1000", converter = Cli.WholeNumber.class, paramLabel = "N",
        description = "valid orders to send (default: ${DEFAULT-VALUE})")
    long count;

    @Option(names = "--rate", defaultValue = "max", converter = RateConverter.class, paramLabel = "N|max",
        description = "orders per second, or max: as fast as possible (default: ${DEFAULT-VALUE})")
    double rate;

    @Option(names = "--products", defaultValue = "100", converter = Cli.WholeNumber.class, paramLabel = "N",
        description = "products the orders spread over (default: ${DEFAULT-VALUE})")
    long products;

    @Option(names = "--stock-per-product", defaultValue = "1000", converter = Cli.WholeNumber.class,
        paramLabel = "N", description = "initial stock of each product set up by the run (default: ${DEFAULT-VALUE})")
    long stockPerProduct;

    @Option(names = "--users", defaultValue = "1000000", converter = Cli.WholeNumber.class, paramLabel = "N",
        description = "distinct buyers (default: ${DEFAULT-VALUE})")
    long users;

    @Option(names = "--coupon-share", defaultValue = "0", converter = Cli.FiniteNumber.class, paramLabel = "F",
        description = "fraction of orders with a coupon, 0..1 (default: ${DEFAULT-VALUE})")
    double couponShare;

    @Option(names = "--hot-skew", defaultValue = "0", converter = Cli.FiniteNumber.class, paramLabel = "F",
        description = "fraction of orders on the first product, 0..1 (default: ${DEFAULT-VALUE})")
    double hotSkew;

    @Option(names = "--bad-fraction", defaultValue = "0", converter = Cli.FiniteNumber.class, paramLabel = "F",
        description = "malformed messages per valid one, kafka mode, 0..1 (default: ${DEFAULT-VALUE})")
    double badFraction;

    @Option(names = "--product-base", converter = Cli.WholeNumber.class, paramLabel = "N",
        description = "first product id (default: kafka fresh ids; api 1)")
    Long productBase;

    @Option(names = "--seed", converter = Cli.WholeNumber.class, paramLabel = "N",
        description = "generator seed (default: from the clock)")
    Long seed;

    @Option(names = "--json", paramLabel = "FILE", description = "also write the summary as JSON")
    Path json;

    @Option(names = "--concurrency", defaultValue = "64", converter = Cli.WholeNumber.class, paramLabel = "N",
        description = "api mode: requests in flight at most, 1..10000 (default: ${DEFAULT-VALUE})")
    long concurrency;

    @Option(names = "--wait-seconds", defaultValue = "180", converter = Cli.WholeNumber.class, paramLabel = "N",
        description = "stop waiting when no order became final for N s (default: ${DEFAULT-VALUE})")
    long waitSeconds;

    @Option(names = "--no-setup", description = "kafka mode: do not insert products/coupons (they must exist)")
    boolean noSetup;

    @Option(names = "--reset-sale", description = "api mode: reset stock, coupons and orders of the products first")
    boolean resetSale;

    @Option(names = "--open-sale", description = "api mode: open the products' sale (admin listener) first")
    boolean openSale;

    @Option(names = "--coupon-base", converter = Cli.WholeNumber.class, paramLabel = "N",
        description = "first coupon id (default: kafka fresh ids; api 1)")
    Long couponBase;

    @Option(names = "--coupon-users", defaultValue = "200", converter = Cli.WholeNumber.class, paramLabel = "N",
        description = "api mode: users 1..N own coupon base+u-1 (default: ${DEFAULT-VALUE})")
    long couponUsers;

    @Option(names = "--user-base", defaultValue = "0", converter = Cli.WholeNumber.class, paramLabel = "N",
        description = "offset added to user ids (default: ${DEFAULT-VALUE})")
    long userBase;

    @Option(names = "--oversize-bytes", defaultValue = "262144", converter = Cli.WholeNumber.class,
        paramLabel = "N", description = "size of oversized bad messages, 1024..900000 (default: ${DEFAULT-VALUE})")
    long oversizeBytes;

    @Option(names = "--run-id", paramLabel = "ID",
        description = "order id prefix, 1-20 letters or digits (default: minted, e.g. L5k2x9)")
    String runId;

    @Option(names = "--quiet", description = "no live progress line")
    boolean quiet;

    /** The options these flags give, validated: a {@link UsageException} names the first bad one. */
    public LoadOptions toOptions() {
      // In api mode the ids are the seed's (sql/seed.sql); in kafka mode 0 means "pick fresh ones".
      long pb = productBase != null ? productBase : (mode == Mode.API ? 1 : 0);
      long cb = couponBase != null ? couponBase : (mode == Mode.API ? 1 : 0);
      LoadOptions o = new LoadOptions(mode,
          (int) within("--count", count, Integer.MAX_VALUE), rate,
          (int) within("--products", products, 1_000_000),
          within("--stock-per-product", stockPerProduct, Long.MAX_VALUE / 4),
          within("--users", users, Long.MAX_VALUE / 4), couponShare, hotSkew, badFraction,
          within("--product-base", pb, Long.MAX_VALUE / 4),
          seed != null ? within("--seed", seed, Long.MAX_VALUE) : System.nanoTime(), json,
          (int) within("--concurrency", concurrency, Integer.MAX_VALUE),
          (int) within("--wait-seconds", waitSeconds, 86_400), !noSetup, resetSale, openSale,
          within("--coupon-base", cb, Long.MAX_VALUE / 4), within("--coupon-users", couponUsers, Long.MAX_VALUE / 4),
          within("--user-base", userBase, Long.MAX_VALUE / 4),
          (int) within("--oversize-bytes", oversizeBytes, Integer.MAX_VALUE), runId, quiet);
      o.validate();
      return o;
    }

    private static long within(String option, long value, long max) {
      if (value < 0 || value > max) {
        throw new UsageException(option + " must be within 0.." + max + ", not " + value);
      }
      return value;
    }
  }

  /** {@code kafka} or {@code api}, in any case. */
  static final class ModeConverter implements CommandLine.ITypeConverter<Mode> {
    @Override
    public Mode convert(String value) {
      return switch (value.toLowerCase(Locale.ROOT)) {
        case "kafka" -> Mode.KAFKA;
        case "api" -> Mode.API;
        default -> throw new CommandLine.TypeConversionException("must be kafka or api, not '" + value + "'");
      };
    }
  }

  /** Orders per second, or {@code max} (0: as fast as possible). */
  static final class RateConverter implements CommandLine.ITypeConverter<Double> {
    @Override
    public Double convert(String value) {
      return "max".equalsIgnoreCase(value) ? 0 : new Cli.FiniteNumber().convert(value);
    }
  }
}
