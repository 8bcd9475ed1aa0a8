package io.seckill.verify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** The command line of verify and chaos (nothing here reaches the stack: every case stops before the run). */
class VerifierMainTest {

  static <T> T parsed(Class<T> type, String... args) {
    CommandLine cli = VerifierMain.commandLine();
    List<CommandLine> chain = cli.parseArgs(args).asCommandLineList();
    return type.cast(chain.get(chain.size() - 1).getCommand());
  }

  /** Runs the command line; returns {exit status, stdout, stderr}. */
  static Object[] run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cli = VerifierMain.commandLine();
    cli.setOut(new PrintWriter(out));
    cli.setErr(new PrintWriter(err));
    int status = cli.execute(args);
    return new Object[] {status, out.toString(), err.toString()};
  }

  static void assertUsageError(String prefix, String option, String... args) {
    Object[] r = run(args);
    String err = (String) r[2];
    assertEquals(VerifierMain.EXIT_ERROR, r[0], () -> String.join(" ", args) + ": " + err);
    assertEquals(1, err.lines().count(), err);
    assertTrue(err.startsWith(prefix) && err.contains(option), err);
  }

  @Test
  void verifyDefaultsLeaveTheConfigurationToDecide() {
    VerifierMain.Verify v = parsed(VerifierMain.Verify.class, "verify");
    assertNull(v.products, "all products");
    assertNull(v.timeout, "wait.timeout-seconds");
    assertFalse(v.noWait);
    assertNull(v.maxIds, "report.max-ids");
  }

  @Test
  void everyVerifyFlagIsRead() {
    VerifierMain.Verify v = parsed(VerifierMain.Verify.class, "verify", "--products", "1-20", "--timeout", "30",
        "--no-wait", "--max-ids=3");
    assertEquals(new ProductRange(1, 20), v.products);
    assertEquals(30, v.timeout);
    assertTrue(v.noWait);
    assertEquals(3, v.maxIds);
    assertEquals(new ProductRange(7, Long.MAX_VALUE), parsed(VerifierMain.Verify.class, "verify", "--products", "7-").products);
    assertEquals(new ProductRange(7, 7), parsed(VerifierMain.Verify.class, "verify", "--products", "7").products);
    assertEquals(60, parsed(VerifierMain.Verify.class, "verify", "--timeout", "10", "--timeout", "60").timeout,
        "the last value wins");
  }

  @Test
  void badVerifyFlagsAreUsageErrorsNamingTheOption() {
    assertUsageError("seckill verify: ", "--bogus", "verify", "--bogus");
    assertUsageError("seckill verify: ", "--timeout", "verify", "--timeout", "-1");
    assertUsageError("seckill verify: ", "--timeout", "verify", "--timeout", "soon");
    assertUsageError("seckill verify: ", "--timeout", "verify", "--timeout", "--no-wait");
    assertUsageError("seckill verify: ", "--max-ids", "verify", "--max-ids", "-3");
    assertUsageError("seckill verify: ", "--products", "verify", "--products", "9-3");
    assertUsageError("seckill verify: ", "--products", "verify", "--products", "a-b");
    assertUsageError("seckill verify: ", "'x'", "verify", "x");
  }

  @Test
  void aMissingOrUnknownCommandIsAUsageError() {
    assertUsageError("seckill: ", "verify or chaos");
    assertUsageError("seckill: ", "'audit'", "audit");
  }

  @Test
  void helpPrintsUsageAndExitsZero() {
    Object[] top = run("--help");
    assertEquals(0, top[0]);
    assertTrue(((String) top[1]).contains("verify") && ((String) top[1]).contains("chaos"), (String) top[1]);
    Object[] verify = run("verify", "--help");
    assertEquals(0, verify[0]);
    String help = ((String) verify[1]).replaceAll("\\s+", " ");
    for (String flag : List.of("--products", "--timeout", "--no-wait", "--max-ids", "--help")) {
      assertTrue(help.contains(flag), () -> flag + " missing from\n" + help);
    }
    assertTrue(help.contains("exit 0: every invariant holds; 1: a violation; 2: could not verify"), help);
    Object[] helpFirst = run("verify", "-h", "--timeout", "nonsense");
    assertEquals(VerifierMain.EXIT_ERROR, helpFirst[0], "a bad value is still refused");
  }
}
