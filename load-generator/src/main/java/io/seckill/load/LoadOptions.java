package io.seckill.load;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The options of one load run, parsed from the command line. Every option has a default, so
 * {@code parse()} of no arguments is a valid small run; {@link #validate()} names the first bad value.
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

  /** The option summary printed by --help. */
  public static final String USAGE = String.join("\n",
      "usage: ./seckill load [options]",
      "  --mode kafka|api          kafka: straight to topic seckill.orders (default); api: through seckill-api",
      "  --count N                 valid orders to send (default 1000)",
      "  --rate N|max              orders per second (default max)",
      "  --products N              products the orders spread over (default 100)",
      "  --stock-per-product N     initial stock of each product set up by the run (default 1000)",
      "  --users N                 distinct buyers (default 1000000)",
      "  --coupon-share F          fraction of orders with a coupon, 0..1 (default 0)",
      "  --hot-skew F              fraction of orders on the first product, 0..1 (default 0)",
      "  --bad-fraction F          malformed messages per valid one, kafka mode, 0..1 (default 0)",
      "  --product-base N          first product id (default: kafka fresh ids; api 1)",
      "  --seed N                  generator seed (default: from the clock)",
      "  --json FILE               also write the summary as JSON",
      "  --concurrency N           api mode: requests in flight at most (default 64)",
      "  --wait-seconds N          stop waiting when no order became final for N s (default 180)",
      "  --no-setup                kafka mode: do not insert products/coupons (they must exist)",
      "  --reset-sale              api mode: reset stock, coupons and orders of the products first",
      "  --open-sale               api mode: open the products' sale (admin listener) first",
      "  --coupon-base N           first coupon id (default: kafka fresh ids; api 1)",
      "  --coupon-users N          api mode: users 1..N own coupon base+u-1 (default 200)",
      "  --user-base N             offset added to user ids (default 0)",
      "  --oversize-bytes N        size of oversized bad messages (default 262144)",
      "  --run-id ID               order id prefix (default: minted, e.g. L5k2x9)",
      "  --quiet                   no live progress line",
      "Env: SECKILL_KAFKA_BOOTSTRAP (127.0.0.1:$SECKILL_KAFKA_PORT), SECKILL_API_URL",
      "  (http://127.0.0.1:$SECKILL_API_PORT), SECKILL_ADMIN_URL (http://127.0.0.1:$SECKILL_ADMIN_PORT, 8081),",
      "  SECKILL_DB_HOST/PORT/USER/PASSWORD; the stack's secrets (kafka mode signs orders, api mode mints",
      "  buyer tokens, --open-sale uses the operator token): SECKILL_ORDER_SIGNING_KEYS_FILE,",
      "  SECKILL_BUYER_TOKEN_SECRET_FILE, SECKILL_ADMIN_TOKEN_FILE (default .stack/secrets/)");

  /** Parses {@code args}; throws {@link UsageException} naming the bad option. */
  public static LoadOptions parse(String... args) {
    Builder b = new Builder();
    List<String> rest = new ArrayList<>(List.of(args));
    while (!rest.isEmpty()) {
      String opt = rest.remove(0);
      String inline = null;
      int eq = opt.indexOf('=');
      if (opt.startsWith("--") && eq > 0) {
        inline = opt.substring(eq + 1);
        opt = opt.substring(0, eq);
      }
      switch (opt) {
        case "--no-setup" -> b.setup = false;
        case "--reset-sale" -> b.resetSale = true;
        case "--open-sale" -> b.openSale = true;
        case "--quiet" -> b.quiet = true;
        default -> {
          String value = inline != null ? inline : next(rest, opt);
          b.set(opt, value);
        }
      }
    }
    LoadOptions o = b.build();
    o.validate();
    return o;
  }

  private static String next(List<String> rest, String opt) {
    if (rest.isEmpty() || rest.get(0).startsWith("--")) {
      throw new UsageException(opt + " needs a value");
    }
    return rest.remove(0);
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

  /** Mutable collector used only while parsing. */
  static final class Builder {
    Mode mode = Mode.KAFKA;
    int count = 1000;
    double rate = 0;
    int products = 100;
    long stockPerProduct = 1000;
    long users = 1_000_000;
    double couponShare = 0;
    double hotSkew = 0;
    double badFraction = 0;
    Long productBase;
    long seed = System.nanoTime();
    Path json;
    int concurrency = 64;
    int waitSeconds = 180;
    boolean setup = true;
    boolean resetSale;
    boolean openSale;
    Long couponBase;
    long couponUsers = 200;
    long userBase;
    int oversizeBytes = 262_144;
    String runId;
    boolean quiet;

    void set(String opt, String value) {
      switch (opt) {
        case "--mode" -> mode = switch (value.toLowerCase(Locale.ROOT)) {
          case "kafka" -> Mode.KAFKA;
          case "api" -> Mode.API;
          default -> throw new UsageException("--mode must be kafka or api, not '" + value + "'");
        };
        case "--count" -> count = (int) longValue(opt, value, Integer.MAX_VALUE);
        case "--rate" -> rate = "max".equalsIgnoreCase(value) ? 0 : doubleValue(opt, value);
        case "--products" -> products = (int) longValue(opt, value, 1_000_000);
        case "--stock-per-product" -> stockPerProduct = longValue(opt, value, Long.MAX_VALUE / 4);
        case "--users" -> users = longValue(opt, value, Long.MAX_VALUE / 4);
        case "--coupon-share" -> couponShare = doubleValue(opt, value);
        case "--hot-skew" -> hotSkew = doubleValue(opt, value);
        case "--bad-fraction" -> badFraction = doubleValue(opt, value);
        case "--product-base" -> productBase = longValue(opt, value, Long.MAX_VALUE / 4);
        case "--seed" -> seed = longValue(opt, value, Long.MAX_VALUE);
        case "--json" -> json = Path.of(value);
        case "--concurrency" -> concurrency = (int) longValue(opt, value, Integer.MAX_VALUE);
        case "--wait-seconds" -> waitSeconds = (int) longValue(opt, value, 86_400);
        case "--coupon-base" -> couponBase = longValue(opt, value, Long.MAX_VALUE / 4);
        case "--coupon-users" -> couponUsers = longValue(opt, value, Long.MAX_VALUE / 4);
        case "--user-base" -> userBase = longValue(opt, value, Long.MAX_VALUE / 4);
        case "--oversize-bytes" -> oversizeBytes = (int) longValue(opt, value, Integer.MAX_VALUE);
        case "--run-id" -> runId = value;
        default -> throw new UsageException("unknown option '" + opt + "' (see --help)");
      }
    }

    LoadOptions build() {
      // In api mode the ids are the seed's (sql/seed.sql); in kafka mode 0 means "pick fresh ones".
      long pb = productBase != null ? productBase : (mode == Mode.API ? 1 : 0);
      long cb = couponBase != null ? couponBase : (mode == Mode.API ? 1 : 0);
      return new LoadOptions(mode, count, rate, products, stockPerProduct, users, couponShare, hotSkew, badFraction,
          pb, seed, json, concurrency, waitSeconds, setup, resetSale, openSale, cb, couponUsers, userBase,
          oversizeBytes, runId, quiet);
    }

    private static long longValue(String opt, String value, long max) {
      try {
        long v = Long.parseLong(value.replace("_", ""));
        if (v < 0 || v > max) {
          throw new UsageException(opt + " must be within 0.." + max + ", not " + value);
        }
        return v;
      } catch (NumberFormatException e) {
        throw new UsageException(opt + " needs a whole number, not '" + value + "'");
      }
    }

    private static double doubleValue(String opt, String value) {
      try {
        double v = Double.parseDouble(value);
        if (Double.isNaN(v) || Double.isInfinite(v)) {
          throw new NumberFormatException(value);
        }
        return v;
      } catch (NumberFormatException e) {
        throw new UsageException(opt + " needs a number, not '" + value + "'");
      }
    }
  }
}
