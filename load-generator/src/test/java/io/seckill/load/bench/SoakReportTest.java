package io.seckill.load.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.LongFunction;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SoakReportTest {
  private static final long MIB = 1024 * 1024;
  private static final long[] TIMES = {0, 30, 60, 90, 120, 150, 180};

  /** Seven samples 30 s apart of {@code figures} (a null value: no line), then the {@code events} lines. */
  private static List<String> tsv(Map<String, LongFunction<Long>> figures, List<String> events) {
    List<String> lines = new ArrayList<>();
    for (long t : TIMES) {
      figures.forEach((name, f) -> {
        Long v = f.apply(t);
        if (v != null) {
          lines.add(t + "\t" + name + "\t" + v);
        }
      });
    }
    lines.addAll(events);
    return lines;
  }

  private static Map<String, LongFunction<Long>> steady() {
    Map<String, LongFunction<Long>> m = new java.util.TreeMap<>();
    m.put("rss:order-rpc", t -> 300 * MIB);
    m.put("threads:order-rpc", t -> 60L);
    m.put("fds:order-rpc", t -> 140L);
    m.put("rss:redis", t -> (100 + t) * MIB); // a data store: grows, not judged
    m.put("threads:redis", t -> 6 + t);
    m.put("fds:redis", t -> 40L);
    m.put("disk:data", t -> 500 * MIB + t * 1000);
    m.put("disk:logs", t -> 20 * MIB);
    m.put("log:largest", t -> 5 * MIB);
    m.put("redis:used_memory", t -> 200 * MIB + t * 100_000);
    m.put("redis:keys", t -> 1000 + t * 10);
    m.put("barrier:seckill_order", t -> 10 * t);
    m.put("barrier:seckill_pay", t -> 10 * t);
    m.put("dtm:mysql_rows", t -> 0L);
    return m;
  }

  private static Map<String, SoakReport.Row> byFigure(List<SoakReport.Row> rows) {
    return rows.stream().collect(Collectors.toMap(SoakReport.Row::figure, r -> r));
  }

  @Test
  void aRestartInTheFirstHalfIsJudgedOnlyAfterItAndOneInTheSecondHalfIsNotJudged() {
    Map<String, LongFunction<Long>> m = steady();
    // The API is killed at 40 s (first half): down at 60 s, healthy at 65 s, then warms up to a flat 300 MiB.
    m.put("rss:seckill-api", t -> t == 60 ? null : t < 40 ? 300 * MIB : t == 90 ? 290 * MIB : 300 * MIB);
    m.put("threads:seckill-api", t -> t == 60 ? null : t < 40 ? 80L : 70L);
    m.put("fds:seckill-api", t -> t == 60 ? null : 200L);
    m.put("down:seckill-api", t -> t == 60 ? 1L : null);
    // coupon-rpc is restarted at 140 s (second half): it regrows from 100 MiB, which is no leak.
    m.put("rss:coupon-rpc", t -> t < 140 ? 250 * MIB : t == 150 ? 100 * MIB : 200 * MIB);
    m.put("threads:coupon-rpc", t -> t < 140 ? 50L : 30L);
    m.put("fds:coupon-rpc", t -> 100L);
    SoakReport.Data d = SoakReport.parse(tsv(m, List.of("40\tfault:seckill-api\t1", "65\trecovered:seckill-api\t25",
        "140\tfault:coupon-rpc\t1", "148\trecovered:coupon-rpc\t8")));
    List<SoakReport.Row> rows = SoakReport.verdict(d, SoakReport.Settings.defaults());
    Map<String, SoakReport.Row> r = byFigure(rows);
    assertEquals(2, d.faults.size());
    assertEquals(25L, d.faults.get(0).recoveredAfter());
    assertEquals(90, d.middleTime());
    assertEquals("ok", r.get("rss:seckill-api").verdict(), r.get("rss:seckill-api").toString());
    assertTrue(r.get("rss:seckill-api").note().contains("since the restart at 40 s"));
    assertEquals(300.0 * MIB, r.get("rss:seckill-api").middle(), "middle of the samples after the restart (120 s)");
    assertEquals("ok", r.get("rss:coupon-rpc").verdict());
    assertTrue(r.get("rss:coupon-rpc").note().contains("not judged"));
    assertEquals("ok", r.get("down:seckill-api").verdict(), "down while restarting after its fault");
    assertEquals("ok", r.get("rss:redis").verdict(), "a data store's growth is not judged");
    assertEquals("ok", r.get("threads:redis").verdict());
    assertEquals("ok", r.get("fault:seckill-api").verdict());
    assertTrue(SoakReport.passed(rows), rows.toString());
  }

  @Test
  void leaksDownPartsAndPartsThatNeverCameBackFail() {
    Map<String, LongFunction<Long>> m = steady();
    m.put("rss:pay-rpc", t -> (200 + 2 * t) * MIB); // +44% from 90 s to 180 s
    m.put("threads:product-rpc", t -> 40 + t); // +69%
    m.put("fds:order-rpc", t -> 100 + 2 * t); // +64%
    m.put("rss:seckill-consumer", t -> 4L * 1024 * MIB);
    m.put("log:largest", t -> t == 180 ? 200 * MIB : 5 * MIB);
    m.put("down:product-rpc", t -> t == 120 ? 1L : null); // no fault on it
    m.put("down:dtm", t -> t >= 150 ? 1L : null);
    SoakReport.Data d = SoakReport.parse(tsv(m, List.of("140\tfault:dtm\t1")));
    List<SoakReport.Row> rows = SoakReport.verdict(d, SoakReport.Settings.defaults());
    Map<String, SoakReport.Row> r = byFigure(rows);
    assertEquals("GREW", r.get("rss:pay-rpc").verdict());
    assertEquals("GREW", r.get("threads:product-rpc").verdict(), "threads are judged like RSS");
    assertEquals("GREW", r.get("fds:order-rpc").verdict());
    assertEquals("OVER-3-GB", r.get("rss:seckill-consumer").verdict());
    assertEquals("PAST-THE-LOG-CAP", r.get("log:largest").verdict());
    assertEquals("DOWN-AT-A-SAMPLE", r.get("down:product-rpc").verdict());
    assertEquals("NOT-RECOVERED", r.get("fault:dtm").verdict());
    assertEquals("ok", r.get("rss:order-rpc").verdict());
    assertFalse(SoakReport.passed(rows));
  }

  @Test
  void tooFewSamplesFail() {
    SoakReport.Data d = SoakReport.parse(List.of("0\trss:order-rpc\t1", "30\trss:order-rpc\t1"));
    assertFalse(SoakReport.passed(SoakReport.verdict(d, SoakReport.Settings.defaults())));
  }

  @Test
  void writesAPageWithAChartPerGroupTheFaultsAndTheVerdictRows(@TempDir Path dir) throws Exception {
    Map<String, LongFunction<Long>> m = steady();
    m.put("rss:pay-rpc", t -> (200 + 2 * t) * MIB);
    Path tsv = dir.resolve("soak-20261205-120000.tsv");
    Files.write(tsv, tsv(m, List.of("45\tfault:order-rpc\t1", "60\trecovered:order-rpc\t15", "100\tfault:dtm\t1",
        "104\trecovered:dtm\t4", "bad line", "x\ty\tz")), StandardCharsets.UTF_8);
    ByteArrayOutputStream console = new ByteArrayOutputStream();
    int rc = SoakReport.run(new String[] {"--orders", "18000", "--max-growth-pct", "20", tsv.toString()},
        new PrintStream(console, true, StandardCharsets.UTF_8));
    assertEquals(1, rc, "pay-rpc grew");
    String text = console.toString(StandardCharsets.UTF_8);
    assertTrue(text.contains("rss:pay-rpc") && text.contains("GREW"), text);
    assertTrue(text.contains("per order: Redis +1000 bytes"), text);

    Path page = dir.resolve("soak-20261205-120000.html");
    String html = Files.readString(page);
    assertTrue(html.startsWith("<!DOCTYPE html>") && html.contains("</html>") && !html.contains("{{"));
    for (SoakReport.Group g : SoakReport.GROUPS) {
      assertEquals(1, count(html, "data-group=\"" + g.id() + "\""), "one chart for " + g.id());
    }
    assertEquals(8, SoakReport.GROUPS.size());
    assertEquals(2 * SoakReport.GROUPS.size(), count(html, "<line class=\"fault\""), "both faults on every chart");
    assertTrue(html.contains("<title>fault: order-rpc at 45 s, healthy after 15 s</title>"));
    assertEquals(2, count(html, "<tr class=\"fault-row\">"));
    assertTrue(html.contains("<polyline"));
    SoakReport.Data d = SoakReport.parse(Files.readAllLines(tsv));
    int rows = SoakReport.verdict(d, SoakReport.Settings.defaults()).size();
    assertEquals(rows, count(html, "<tr class=\"verdict-row\">"), "one verdict row per figure and faulted part");
    assertTrue(html.contains("<td>rss:pay-rpc</td>"));
    assertTrue(html.contains("<span class=\"miss\">GREW</span>"));
    assertTrue(html.contains("<td>fault:dtm</td>"));
    assertTrue(html.contains("<span class=\"miss\">FAIL</span>"));
    assertFalse(html.contains("src=") || html.contains("<link") || html.contains("<script"), "nothing fetched");
    assertTrue(onlySvgNamespace(html), "no address but the SVG namespace");
  }

  @Test
  void readsRedisSizes() {
    assertEquals(4.0 * 1024 * MIB, SoakReport.bytes("4gb"));
    assertEquals(512.0 * MIB, SoakReport.bytes("512M"));
    assertEquals(1000.0, SoakReport.bytes("1000"));
  }

  private static boolean onlySvgNamespace(String html) {
    return html.replace("http://www.w3.org/2000/svg", "").indexOf("http://") < 0;
  }

  private static int count(String s, String what) {
    return s.split(java.util.regex.Pattern.quote(what), -1).length - 1;
  }
}
