package io.seckill.verify;

import static io.seckill.verify.VerifierMainTest.assertUsageError;
import static io.seckill.verify.VerifierMainTest.parsed;
import static io.seckill.verify.VerifierMainTest.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** The options of ./seckill chaos (none of these reaches the stack). */
class ChaosMainTest {

  private static ChaosRun.Options options(String... args) {
    String[] all = new String[args.length + 1];
    all[0] = "chaos";
    System.arraycopy(args, 0, all, 1, args.length);
    return parsed(ChaosMain.class, all).options(10);
  }

  @Test
  void withoutFlagsTheDocumentedDefaults() {
    ChaosRun.Options o = options();
    assertEquals(new ChaosRun.Options(1, 1000, 42, 0, null, 100, 10, 60, 700, 180, 5000, 50, 20, 10, 0.5, 3, null, 0.5),
        o, "stock: 60% of demand per product; users: 70% of orders");
  }

  @Test
  void everyFlagIsRead() {
    ChaosRun.Options o = options("--rounds", "3", "--orders", "500", "--seed", "-7", "--faults", "4", "--fault-list",
        "kill:product-rpc,duplicate", "--rate", "12.5", "--products", "4", "--stock", "33", "--users", "99",
        "--settle", "60", "--pause-ms", "4000", "--duplicates", "5", "--poison", "6", "--max-ids", "2", "--pay-share",
        "0.25", "--lifecycle-faults", "1", "--lifecycle-fault-list", "kill:pay-rpc", "--api-share", "1");
    assertEquals(new ChaosRun.Options(3, 500, -7, 4, List.of(new Fault(Fault.Kind.KILL, "product-rpc"),
        new Fault(Fault.Kind.DUPLICATE, "")), 12.5, 4, 33, 99, 60, 4000, 5, 6, 2, 0.25, 1,
        List.of(new Fault(Fault.Kind.KILL, "pay-rpc")), 1), o);
  }

  @Test
  void derivedDefaultsFollowOrdersAndProducts() {
    ChaosRun.Options o = options("--orders", "5000", "--products", "20");
    assertEquals(150, o.stockPerProduct(), "5000 * 0.6 / 20");
    assertEquals(3500, o.users());
    ChaosRun.Options clamped = options("--rounds", "0", "--orders", "0", "--products", "0", "--users", "1");
    assertEquals(1, clamped.rounds(), "at least one round");
    assertEquals(1, clamped.orders());
    assertEquals(1, clamped.products());
    assertEquals(2, clamped.users(), "at least two buyers");
  }

  @Test
  void outOfRangeValuesAreRefusedNamingTheOption() {
    assertUsageError("seckill chaos: ", "--pay-share", "chaos", "--pay-share", "1.5");
    assertUsageError("seckill chaos: ", "--api-share", "chaos", "--api-share", "-0.1");
    assertUsageError("seckill chaos: ", "--rounds", "chaos", "--rounds", "-1");
    assertUsageError("seckill chaos: ", "--orders", "chaos", "--orders", "many");
    assertUsageError("seckill chaos: ", "--rate", "chaos", "--rate", "fast");
    assertUsageError("seckill chaos: ", "--bogus", "chaos", "--bogus", "1");
    CommandLine.ParameterException rate = assertThrows(CommandLine.ParameterException.class,
        () -> options("--rate", "0"));
    assertTrue(rate.getMessage().startsWith("--rate must be > 0"), rate.getMessage());
    CommandLine.ParameterException faults = assertThrows(CommandLine.ParameterException.class,
        () -> options("--fault-list", "explode:dtm"));
    assertTrue(faults.getMessage().startsWith("--fault-list: unknown fault 'explode'"), faults.getMessage());
    CommandLine.ParameterException lifecycle = assertThrows(CommandLine.ParameterException.class,
        () -> options("--lifecycle-fault-list", "kill"));
    assertTrue(lifecycle.getMessage().startsWith("--lifecycle-fault-list: fault 'kill'"), lifecycle.getMessage());
  }

  @Test
  void helpListsEveryFlagAndExitsZero() {
    Object[] r = run("chaos", "--help");
    assertEquals(0, r[0]);
    String help = ((String) r[1]).replaceAll("\\s+", " ");
    for (String flag : List.of("--rounds", "--orders", "--seed", "--faults", "--fault-list", "--rate", "--products",
        "--stock", "--users", "--settle", "--pause-ms", "--duplicates", "--poison", "--max-ids", "--pay-share",
        "--lifecycle-faults", "--lifecycle-fault-list", "--api-share", "--help")) {
      assertTrue(help.contains(flag), () -> flag + " missing from\n" + help);
    }
    assertTrue(help.contains("(default: 60% of demand)"), help);
    assertTrue(help.contains("(default: 1000)"), help);
    assertTrue(help.contains("exit 0: no round had a violation; 1: a violation; 2: could not run"), help);
  }
}
