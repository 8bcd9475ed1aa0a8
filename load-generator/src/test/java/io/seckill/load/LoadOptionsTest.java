package io.seckill.load;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class LoadOptionsTest {

  @Test
  void noArgumentsGiveTheDocumentedDefaults() {
    LoadOptions o = LoadOptions.parse();
    assertEquals(LoadOptions.Mode.KAFKA, o.mode());
    assertEquals(1000, o.count());
    assertEquals(0, o.rate(), "0 means as fast as possible");
    assertEquals(100, o.products());
    assertEquals(1000, o.stockPerProduct());
    assertEquals(1_000_000, o.users());
    assertEquals(0, o.couponShare());
    assertEquals(0, o.hotSkew());
    assertEquals(0, o.badFraction());
    assertEquals(0, o.productBase(), "kafka mode picks fresh product ids");
    assertEquals(0, o.couponBase(), "kafka mode picks fresh coupon ids");
    assertNull(o.json());
    assertEquals(64, o.concurrency());
    assertEquals(180, o.waitSeconds());
    assertTrue(o.setup());
    assertFalse(o.resetSale());
    assertFalse(o.openSale());
    assertEquals(200, o.couponUsers());
    assertEquals(0, o.userBase());
    assertEquals(262_144, o.oversizeBytes());
    assertNull(o.runId());
    assertFalse(o.quiet());
  }

  @Test
  void theSeedDefaultsToTheClock() {
    assertNotEquals(LoadOptions.parse().seed(), LoadOptions.parse().seed(), "two runs without --seed differ");
  }

  @Test
  void everyOptionIsRead() {
    LoadOptions o = LoadOptions.parse("--mode", "kafka", "--count", "5000", "--rate", "250", "--products", "1000",
        "--stock-per-product", "7", "--users", "42", "--coupon-share", "0.25", "--hot-skew", "0.5",
        "--bad-fraction", "0.1", "--product-base", "2000000", "--seed", "99", "--json", "out/r.json",
        "--concurrency", "9", "--wait-seconds", "30", "--no-setup", "--coupon-base", "5", "--coupon-users", "11",
        "--user-base", "100", "--oversize-bytes", "4096", "--run-id", "abc1", "--quiet");
    assertEquals(LoadOptions.Mode.KAFKA, o.mode());
    assertEquals(5000, o.count());
    assertEquals(250.0, o.rate());
    assertEquals(1000, o.products());
    assertEquals(7, o.stockPerProduct());
    assertEquals(42, o.users());
    assertEquals(0.25, o.couponShare());
    assertEquals(0.5, o.hotSkew());
    assertEquals(0.1, o.badFraction());
    assertEquals(2_000_000, o.productBase());
    assertEquals(99, o.seed());
    assertEquals(Path.of("out/r.json"), o.json());
    assertEquals(9, o.concurrency());
    assertEquals(30, o.waitSeconds());
    assertFalse(o.setup());
    assertEquals(5, o.couponBase());
    assertEquals(11, o.couponUsers());
    assertEquals(100, o.userBase());
    assertEquals(4096, o.oversizeBytes());
    assertEquals("abc1", o.runId());
    assertTrue(o.quiet());
  }

  @Test
  void equalsFormAndRateMaxAndApiDefaults() {
    LoadOptions o = LoadOptions.parse("--mode=api", "--rate=max", "--count=10", "--concurrency=8",
        "--reset-sale", "--open-sale");
    assertEquals(LoadOptions.Mode.API, o.mode());
    assertEquals(0, o.rate());
    assertEquals(10, o.count());
    assertEquals(8, o.concurrency());
    assertEquals(1, o.productBase(), "api mode defaults to the seed's products 1..");
    assertEquals(1, o.couponBase());
    assertTrue(o.resetSale() && o.openSale());
  }

  @Test
  void modeIsCaseInsensitiveAndNumbersTakeUnderscores() {
    LoadOptions o = LoadOptions.parse("--mode", "API", "--rate", "MAX", "--users", "4_000_000", "--count", "1_000");
    assertEquals(LoadOptions.Mode.API, o.mode());
    assertEquals(0, o.rate());
    assertEquals(4_000_000, o.users());
    assertEquals(1000, o.count());
  }

  @Test
  void aLaterValueOverridesAnEarlierOne() {
    // The launcher's demo passes its own values first and the user's arguments after them.
    LoadOptions o = LoadOptions.parse("--mode", "api", "--count", "5000", "--reset-sale", "--count", "10000",
        "--quiet", "--quiet");
    assertEquals(10000, o.count());
    assertTrue(o.quiet());
  }

  @Test
  void badInputIsRefusedWithTheOptionNamed() {
    assertMessage("Unknown option: '--bogus'", "--bogus");
    assertMessage("Unknown options: '--bogus', '1'", "--bogus", "1");
    assertMessage("Missing required parameter for option '--count'", "--count");
    assertMessage("Expected parameter for option '--count' but found '--quiet'", "--count", "--quiet");
    assertMessage("Invalid value for option '--count': 'ten' is not a whole number", "--count", "ten");
    assertMessage("--count must be >= 1", "--count", "0");
    assertMessage("--count must be within 0..2147483647, not -5", "--count", "-5");
    assertMessage("--count must be within 0..2147483647", "--count", "3000000000");
    assertMessage("--products must be within 0..1000000", "--products", "1000001");
    assertMessage("--wait-seconds must be within 0..86400", "--wait-seconds", "86401");
    assertMessage("--seed must be within 0..", "--seed", "-1");
    assertMessage("--coupon-share must be within 0..1", "--coupon-share", "1.5");
    assertMessage("--hot-skew must be within 0..1", "--hot-skew", "-0.1");
    assertMessage("--bad-fraction must be within 0..1", "--bad-fraction", "2");
    assertMessage("Invalid value for option '--rate': 'fast' is not a number", "--rate", "fast");
    assertMessage("Invalid value for option '--hot-skew': 'NaN' is not a number", "--hot-skew", "NaN");
    assertMessage("--rate must be a positive number or max", "--rate", "-3");
    assertMessage("Invalid value for option '--mode': must be kafka or api, not 'grpc'", "--mode", "grpc");
    assertMessage("--bad-fraction needs --mode kafka", "--mode", "api", "--bad-fraction", "0.1");
    assertMessage("--reset-sale and --open-sale need --mode api", "--reset-sale");
    assertMessage("--concurrency must be within 1..10000", "--concurrency", "0");
    assertMessage("--run-id must be", "--run-id", "has-dash");
    assertMessage("--oversize-bytes must be within", "--oversize-bytes", "10");
    assertMessage("Unmatched argument", "stray");
  }

  @Test
  void helpPrintsEveryOptionWithItsDefaultAndExitsZero() {
    StringWriter out = new StringWriter();
    CommandLine cli = LoadMain.commandLine();
    cli.setOut(new PrintWriter(out));
    assertEquals(0, cli.execute("--help"));
    String help = out.toString().replaceAll("\\s+", " ");
    for (String option : new String[] {"--mode", "--count", "--rate", "--products", "--stock-per-product", "--users",
        "--coupon-share", "--hot-skew", "--bad-fraction", "--product-base", "--seed", "--json", "--concurrency",
        "--wait-seconds", "--no-setup", "--reset-sale", "--open-sale", "--coupon-base", "--coupon-users",
        "--user-base", "--oversize-bytes", "--run-id", "--quiet", "--help"}) {
      assertTrue(help.contains(option), () -> option + " missing from\n" + help);
    }
    assertTrue(help.contains("valid orders to send (default: 1000)"), help);
    assertTrue(help.contains("(default: max)"), help);
    assertTrue(help.contains("(default: 262144)"), help);
    assertTrue(help.contains("SECKILL_KAFKA_BOOTSTRAP"), "the environment is listed too");
  }

  @Test
  void aUsageErrorIsOneLineNamingTheOptionAndExitsTwo() {
    assertUsageError("--bogus", "--bogus");
    assertUsageError("--count", "--count", "0");
    assertUsageError("--mode", "--mode", "grpc");
    assertUsageError("--oversize-bytes", "--oversize-bytes", "900001");
  }

  private static void assertUsageError(String option, String... args) {
    StringWriter err = new StringWriter();
    CommandLine cli = LoadMain.commandLine();
    cli.setErr(new PrintWriter(err));
    assertEquals(2, cli.execute(args));
    String text = err.toString();
    assertEquals(1, text.lines().count(), text);
    assertTrue(text.startsWith("seckill load: ") && text.contains(option), text);
  }

  private static void assertMessage(String expected, String... args) {
    LoadOptions.UsageException e = assertThrows(LoadOptions.UsageException.class, () -> LoadOptions.parse(args));
    assertTrue(e.getMessage().contains(expected), () -> "'" + e.getMessage() + "' should contain '" + expected + "'");
  }
}
