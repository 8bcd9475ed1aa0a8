package io.seckill.load;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class LoadOptionsTest {

  @Test
  void noArgumentsGiveTheDocumentedDefaults() {
    LoadOptions o = LoadOptions.parse();
    assertEquals(LoadOptions.Mode.KAFKA, o.mode());
    assertEquals(1000, o.count());
    assertEquals(0, o.rate(), "0 means as fast as possible");
    assertEquals(100, o.products());
    assertEquals(0, o.productBase(), "kafka mode picks fresh product ids");
    assertTrue(o.setup());
    assertFalse(o.resetSale());
    assertNull(o.json());
    assertNull(o.runId());
  }

  @Test
  void everyOptionIsRead() {
    LoadOptions o = LoadOptions.parse("--mode", "kafka", "--count", "5000", "--rate", "250", "--products", "1000",
        "--stock-per-product", "7", "--users", "42", "--coupon-share", "0.25", "--hot-skew", "0.5",
        "--bad-fraction", "0.1", "--product-base", "2000000", "--seed", "99", "--json", "out/r.json",
        "--wait-seconds", "30", "--no-setup", "--coupon-base", "5", "--user-base", "100",
        "--oversize-bytes", "4096", "--run-id", "abc1", "--quiet");
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
    assertEquals(30, o.waitSeconds());
    assertFalse(o.setup());
    assertEquals(5, o.couponBase());
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
  void badInputIsRefusedWithTheOptionNamed() {
    assertMessage("unknown option '--bogus'", "--bogus", "1");
    assertMessage("--count needs a value", "--count");
    assertMessage("--count needs a value", "--count", "--quiet");
    assertMessage("--count needs a whole number", "--count", "ten");
    assertMessage("--count must be >= 1", "--count", "0");
    assertMessage("--coupon-share must be within 0..1", "--coupon-share", "1.5");
    assertMessage("--hot-skew must be within 0..1", "--hot-skew", "-0.1");
    assertMessage("--rate needs a number", "--rate", "fast");
    assertMessage("--mode must be kafka or api", "--mode", "grpc");
    assertMessage("--bad-fraction needs --mode kafka", "--mode", "api", "--bad-fraction", "0.1");
    assertMessage("--reset-sale and --open-sale need --mode api", "--reset-sale");
    assertMessage("--run-id must be", "--run-id", "has-dash");
    assertMessage("--oversize-bytes must be within", "--oversize-bytes", "10");
  }

  private static void assertMessage(String expected, String... args) {
    LoadOptions.UsageException e = assertThrows(LoadOptions.UsageException.class, () -> LoadOptions.parse(args));
    assertTrue(e.getMessage().contains(expected), () -> "'" + e.getMessage() + "' should contain '" + expected + "'");
  }
}
