package io.seckill.load.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class BenchMainTest {

  @Test
  void runSizeFollowsTheWarmUpRateWithinBounds() {
    assertEquals(300, BenchMain.adaptiveCount(5, true), "quick floor");
    assertEquals(1000, BenchMain.adaptiveCount(100, true), "quick: about 10 s");
    assertEquals(3000, BenchMain.adaptiveCount(1000, true), "quick ceiling");
    assertEquals(3000, BenchMain.adaptiveCount(20, false), "full floor");
    assertEquals(29250, BenchMain.adaptiveCount(300, false), "full: 1.5 x 65 s at the warm-up rate, so a run lasts 60 s");
    assertEquals(40000, BenchMain.adaptiveCount(5000, false), "full ceiling");
  }

  @Test
  void cpuPerOrderMergesRestartedPartsAndSortsByCost() {
    ProcessSampler.Window w = new ProcessSampler.Window(10, List.of(
        new ProcessSampler.ProcessStats("mariadb", 1, false, 2.0, 20, 200, 190),
        new ProcessSampler.ProcessStats("consumer", 2, true, 1.0, 10, 200, 190),
        new ProcessSampler.ProcessStats("consumer", 3, true, 2.5, 25, 200, 190)), 400, 600, 50);
    Map<String, Double> per = BenchMain.cpuPerOrder(w, 500);
    assertEquals(List.of("consumer", "mariadb"), List.copyOf(per.keySet()));
    assertEquals(7.0, per.get("consumer"), 1e-9);
    assertEquals(4.0, per.get("mariadb"), 1e-9);
  }

  @Test
  void resultJsonCarriesTheCeilingTheBoundAndTheColdRatio() {
    BenchMain.Result r = new BenchMain.Result("flash-sale", "d", "mysql", true, "t", null, Map.of(), List.of(), 90,
        null, List.of(), 600, 0.15, null, 400, DtmCeiling.bound(400, 600), DtmCeiling.boundRatio(90, 240), 100.0, 0.9,
        null, Map.of(), Map.of());
    com.fasterxml.jackson.databind.JsonNode j = BenchMain.JSON.valueToTree(r);
    for (String f : List.of("ceiling", "ceilingPerSecondMedian", "boundPerSecond", "boundRatio", "warmAmplePerSecond",
        "coldToWarmAmpleRatio", "confirmedPerSecondMedian", "baselineOrdersPerSecondMedian")) {
      assertTrue(j.has(f), f);
    }
    assertEquals(240, j.path("boundPerSecond").asDouble(), 1e-9);
    assertEquals(0.375, j.path("boundRatio").asDouble(), 1e-9);
  }

  @Test
  void coldScenariosAndTheAdmissionScenarioAreKnown() {
    Scenario flash = Scenario.named("flash-sale").orElseThrow();
    assertTrue(flash.cold());
    assertEquals(20, flash.products());
    assertEquals(Scenario.HTTP_ADMISSION, Scenario.named("http-admission").orElseThrow().kind());
    assertEquals("mysql", Scenario.named("ample-mysql").orElseThrow().dtmStore());
    assertEquals("redis", Scenario.named("ample").orElseThrow().dtmStore(), "the default scenarios run on the default storage");
    assertEquals(Scenario.PIPELINE, Scenario.named("ample").orElseThrow().kind());
    Scenario life = Scenario.named("ample-lifecycle").orElseThrow();
    assertEquals(Scenario.LIFECYCLE, life.kind());
    Scenario ample = Scenario.named("ample").orElseThrow();
    assertEquals(List.of(ample.products(), ample.dtmStore(), ample.cold()),
        List.of(life.products(), life.dtmStore(), life.cold()), "ample-lifecycle is ample plus the lifecycle traffic");
    assertTrue(Scenario.ALL.indexOf(ample) < Scenario.ALL.indexOf(life), "ample runs first: its median is the reference");
  }

  private static BenchMain parsed(String... args) {
    BenchMain b = new BenchMain();
    io.seckill.load.Cli.commandLine(b).parseArgs(args);
    return b;
  }

  @Test
  void withoutFlagsTheOptionsAreTheDefaults() {
    BenchMain b = parsed();
    BenchMain.Options o = b.options();
    assertNull(b.scenario);
    assertFalse(b.ceilingOnly);
    assertEquals(Path.of("bench/results"), b.out);
    assertEquals(new BenchMain.Options(false, 3, null, 64, Path.of(".stack/run"), Path.of("sql"), null, true, null,
        null, Path.of(".stack/bench")), o);
  }

  @Test
  void everyFlagIsRead() {
    BenchMain b = parsed("--scenario", "flash-sale", "--quick", "--out", "o", "--run-dir", "r", "--sql-dir", "s",
        "--runs", "5", "--count", "700", "--baseline-workers", "8", "--ceiling-cache", "c.json", "--no-ceiling",
        "--ceiling-only", "--ample-json", "a.json", "--restart-cmd", "'./seckill' restart order-rpc && true",
        "--work-dir", "w");
    assertEquals("flash-sale", b.scenario);
    assertTrue(b.ceilingOnly);
    assertEquals(Path.of("o"), b.out);
    assertEquals(new BenchMain.Options(true, 5, 700, 8, Path.of("r"), Path.of("s"), Path.of("c.json"), false,
        Path.of("a.json"), "'./seckill' restart order-rpc && true", Path.of("w")), b.options());
  }

  @Test
  void aRepeatedFlagKeepsItsLastValue() {
    BenchMain b = parsed("--scenario", "ample", "--count", "100", "--quick", "--scenario", "hot", "--count", "200",
        "--quick", "--no-ceiling", "--no-ceiling");
    assertEquals("hot", b.scenario);
    assertEquals(200, b.options().count());
    assertTrue(b.options().quick());
    assertFalse(b.options().ceiling());
  }

  @Test
  void usageErrorsNameTheOptionAndExitTwo() {
    assertUsageError("--bogus", "--bogus");
    assertUsageError("--runs", "--runs", "2");
    assertUsageError("--runs", "--runs", "three");
    assertUsageError("--count", "--count", "0");
    assertUsageError("--baseline-workers", "--baseline-workers", "0");
    assertUsageError("--scenario", "--scenario");
    assertUsageError("--scenario", "--scenario", "nope");
    assertUsageError("--scenario");
  }

  @Test
  void helpListsEveryFlagAndTheScenariosAndExitsZero() {
    StringWriter out = new StringWriter();
    CommandLine cli = BenchMain.commandLine();
    cli.setOut(new PrintWriter(out));
    assertEquals(0, cli.execute("--help"));
    String help = out.toString();
    for (String flag : List.of("--scenario", "--quick", "--out", "--run-dir", "--sql-dir", "--runs", "--count",
        "--baseline-workers", "--ceiling-cache", "--no-ceiling", "--ceiling-only", "--ample-json", "--restart-cmd",
        "--work-dir", "--help")) {
      assertTrue(help.contains(flag), () -> flag + " missing from\n" + help);
    }
    for (Scenario s : Scenario.ALL) {
      assertTrue(help.contains(s.name()), s.name());
    }
    assertTrue(help.replaceAll("\\s+", " ").contains("(default: bench/results)"), help);
  }

  private static void assertUsageError(String option, String... args) {
    StringWriter err = new StringWriter();
    CommandLine cli = BenchMain.commandLine();
    cli.setErr(new PrintWriter(err));
    assertEquals(2, cli.execute(args), () -> String.join(" ", args) + ": " + err);
    String text = err.toString();
    assertEquals(1, text.lines().count(), text);
    assertTrue(text.startsWith("bench: ") && text.contains(option), text);
  }
}
