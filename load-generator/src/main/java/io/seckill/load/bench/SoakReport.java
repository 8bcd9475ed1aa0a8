package io.seckill.load.bench;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The verdict and the HTML report of {@code ./seckill soak} (stack/cmd/soak.sh), the one place that
 * decides whether a soak passed. Input: the soak's TSV, one line per figure and sample (elapsed
 * seconds, figure, value), plus two kinds of event lines written by the fault rotation:
 * {@code fault:<part> 1} when a part was killed or restarted and {@code recovered:<part> S} when it
 * answered again S seconds later. A negative or empty value is a reading that failed and counts as
 * missing.
 *
 * <p>Verdict per figure (anything but {@code ok} fails the soak, exit 1):
 *
 * <ul>
 *   <li>{@code GREW}: a process's RSS, threads or open descriptors grew by more than the allowed
 *       percentage from the middle to the last sample (a leak keeps growing once warm; a cache fills
 *       in the first half). MariaDB, Redis and Kafka are data stores that grow with what they keep,
 *       so they are not judged on growth (their growth is given per order instead). A part restarted
 *       by a fault is judged only over the samples after its last restart (middle of those against
 *       the last), and only when that restart came at or before the run's middle sample; a part
 *       restarted in the second half has too little warm time left and its growth is not judged.
 *   <li>{@code OVER-3-GB}: an RSS above 3 GiB at the last sample (restarted or not).
 *   <li>{@code PAST-THE-LOG-CAP}: the largest log above the log cap at the last sample.
 *   <li>{@code DOWN-AT-A-SAMPLE}: a part was not running at a sample, other than between a fault on
 *       that part and its recovery.
 *   <li>{@code NOT-RECOVERED}: a part hit by a fault never answered again.
 * </ul>
 *
 * <p>The page has one line chart per figure group (RSS, threads, descriptors, disk, Redis memory,
 * Redis keys, barrier rows, DTM rows) with every fault drawn as a dashed vertical line, then the
 * faults and the verdict table. It is built like {@link HtmlReport} (inline SVG, no external assets,
 * its {@code page}, {@code niceCeil}, {@code fmt} and {@code esc} helpers).
 */
public final class SoakReport {
  static final double MAX_RSS_BYTES = 3.0 * 1024 * 1024 * 1024;
  /** The data stores: they grow with what they keep, so their growth is reported, not judged. */
  static final List<String> STORES = List.of("mariadb", "redis", "kafka");

  private static final String[] COLORS = {"#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#8c564b",
      "#e377c2", "#7f7f7f", "#bcbd22", "#17becf", "#393b79", "#637939"};
  private static final double MIB = 1024 * 1024;

  static final String TEMPLATE = "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
      + "<title>seckill soak</title>\n<style>body{font-family:sans-serif;margin:2em;color:#222;max-width:64em}"
      + "table{border-collapse:collapse;margin:1em 0}td,th{border:1px solid #ccc;padding:4px 8px;text-align:right}"
      + "th{background:#f3f3f3}td:first-child,th:first-child,td.note{text-align:left}.ok{color:#2a7a2a;font-weight:bold}"
      + ".miss{color:#b22;font-weight:bold}svg{background:#fafafa;border:1px solid #ddd;margin:0.5em 0}"
      + "footer{color:#777;font-size:0.9em;margin-top:3em}</style></head><body>\n"
      + "<h1>seckill soak</h1>\n{{body}}<footer>Generated {{generated}}.</footer></body></html>\n";

  /** A chart: the figures whose name is in {@code names} or starts with {@code prefix}, divided by {@code scale}. */
  record Group(String id, String title, String prefix, List<String> names, double scale, String unit) {
    boolean holds(String figure) {
      return prefix != null ? figure.startsWith(prefix) : names.contains(figure);
    }
  }

  static final List<Group> GROUPS = List.of(
      new Group("rss", "Resident memory (RSS) per part", "rss:", List.of(), MIB, "MiB"),
      new Group("threads", "Threads per part", "threads:", List.of(), 1, "threads"),
      new Group("fds", "Open file descriptors per part", "fds:", List.of(), 1, "descriptors"),
      new Group("disk", "Disk: data directory, logs, largest log", null,
          List.of("disk:data", "disk:logs", "log:largest"), MIB, "MiB"),
      new Group("redis-memory", "Redis used memory", null, List.of("redis:used_memory"), MIB, "MiB"),
      new Group("redis-keys", "Redis keys", null, List.of("redis:keys"), 1, "keys"),
      new Group("barrier", "Barrier rows per schema", "barrier:", List.of(), 1, "rows"),
      new Group("dtm", "DTM rows (trans_global, MySQL storage)", null, List.of("dtm:mysql_rows"), 1, "rows"));

  /** One fault: when, on which part, and how many seconds the part took to answer again (null: never). */
  record Fault(long at, String part, Long recoveredAfter) {}

  /** The bounds the verdict applies. */
  record Settings(long orders, double maxGrowthPct, double logCapBytes, double redisMaxMemoryBytes, String redisMaxMemory) {
    static Settings defaults() {
      return new Settings(0, 20, 100 * MIB, 4 * 1024 * MIB, "4gb");
    }
  }

  /** One row of the verdict table. {@code first}, {@code middle}, {@code last} may be null (no value). */
  record Row(String figure, Double first, Double middle, Double last, String growth, String verdict, String note) {
    boolean ok() {
      return "ok".equals(verdict);
    }
  }

  /** The parsed TSV: every figure's samples by elapsed second, the sample times, the faults. */
  static final class Data {
    final Map<String, TreeMap<Long, Double>> series = new TreeMap<>();
    final TreeSet<Long> times = new TreeSet<>();
    final List<Fault> faults = new ArrayList<>();

    List<Long> timeList() {
      return new ArrayList<>(times);
    }

    long middleTime() {
      List<Long> t = timeList();
      return t.get((t.size() - 1) / 2);
    }

    /** The time of the last fault on {@code part}, or -1. */
    long lastFault(String part) {
      long at = -1;
      for (Fault f : faults) {
        if (f.part.equals(part)) {
          at = Math.max(at, f.at);
        }
      }
      return at;
    }
  }

  private SoakReport() {}

  /** Entry point: [--orders N] [--max-growth-pct P] [--log-cap-bytes B] [--redis-maxmemory 4gb] TSV [HTML]. */
  public static void main(String[] args) throws Exception {
    System.exit(run(args, System.out));
  }

  /** Prints the table to {@code out}, writes the page; 0 when the soak passed, 1 when not, 2 on a usage error. */
  static int run(String[] args, java.io.PrintStream out) throws java.io.IOException {
    Settings d = Settings.defaults();
    long orders = d.orders();
    double growth = d.maxGrowthPct();
    double cap = d.logCapBytes();
    String maxmemory = d.redisMaxMemory();
    List<String> files = new ArrayList<>();
    try {
      for (int i = 0; i < args.length; i++) {
        switch (args[i]) {
          case "--orders" -> orders = Long.parseLong(args[++i]);
          case "--max-growth-pct" -> growth = Double.parseDouble(args[++i]);
          case "--log-cap-bytes" -> cap = Double.parseDouble(args[++i]);
          case "--redis-maxmemory" -> maxmemory = args[++i];
          default -> files.add(args[i]);
        }
      }
    } catch (RuntimeException e) {
      files.clear();
    }
    if (files.isEmpty() || files.size() > 2) {
      System.err.println("usage: SoakReport [--orders N] [--max-growth-pct P] [--log-cap-bytes B] "
          + "[--redis-maxmemory 4gb] soak.tsv [soak.html]");
      return 2;
    }
    Path tsv = Path.of(files.get(0));
    Path html = files.size() == 2 ? Path.of(files.get(1))
        : tsv.resolveSibling(tsv.getFileName().toString().replaceFirst("\\.tsv$", "") + ".html");
    Settings s = new Settings(orders, growth, cap, bytes(maxmemory), maxmemory);
    Data data = parse(Files.readAllLines(tsv, StandardCharsets.UTF_8));
    List<Row> rows = verdict(data, s);
    out.print(console(data, rows, s));
    Files.writeString(html, HtmlReport.page(TEMPLATE, render(data, rows, s, tsv.getFileName().toString())),
        StandardCharsets.UTF_8);
    out.println("[soak] report " + html);
    return passed(rows) ? 0 : 1;
  }

  static boolean passed(List<Row> rows) {
    return rows.stream().allMatch(Row::ok);
  }

  /** Reads the TSV lines; malformed lines are skipped. */
  static Data parse(List<String> lines) {
    Data d = new Data();
    Map<String, List<long[]>> recovered = new TreeMap<>();
    List<String[]> faults = new ArrayList<>();
    for (String line : lines) {
      String[] f = line.split("\t", -1);
      if (f.length < 3 || f[1].isEmpty()) {
        continue;
      }
      long t;
      try {
        t = Math.round(Double.parseDouble(f[0].trim()));
      } catch (NumberFormatException e) {
        continue;
      }
      String figure = f[1].trim();
      Double value = number(f[2]);
      if (figure.startsWith("fault:")) {
        faults.add(new String[] {Long.toString(t), figure.substring(6)});
      } else if (figure.startsWith("recovered:")) {
        recovered.computeIfAbsent(figure.substring(10), k -> new ArrayList<>())
            .add(new long[] {t, value == null ? 0 : Math.round(value)});
      } else {
        d.times.add(t);
        if (value != null) {
          d.series.computeIfAbsent(figure, k -> new TreeMap<>()).put(t, value);
        }
      }
    }
    faults.sort((a, b) -> Long.compare(Long.parseLong(a[0]), Long.parseLong(b[0])));
    for (String[] f : faults) {
      long at = Long.parseLong(f[0]);
      Long after = null;
      List<long[]> r = recovered.getOrDefault(f[1], List.of());
      for (int i = 0; i < r.size(); i++) {
        if (r.get(i)[0] >= at) {
          after = r.get(i)[1];
          r.remove(i);
          break;
        }
      }
      d.faults.add(new Fault(at, f[1], after));
    }
    return d;
  }

  private static Double number(String text) {
    try {
      double v = Double.parseDouble(text.trim());
      return v < 0 || Double.isNaN(v) ? null : v;
    } catch (NumberFormatException e) {
      return null;
    }
  }

  /** The verdict table, sorted by figure. */
  static List<Row> verdict(Data d, Settings s) {
    List<Row> rows = new ArrayList<>();
    if (d.times.size() < 3) {
      rows.add(new Row("samples", null, null, null, "-", "TOO-FEW-SAMPLES",
          d.times.size() + " sample(s): fewer than three, nothing to compare"));
      return rows;
    }
    long mid = d.middleTime();
    for (Map.Entry<String, TreeMap<Long, Double>> e : d.series.entrySet()) {
      String k = e.getKey();
      TreeMap<Long, Double> v = e.getValue();
      if (k.startsWith("down:")) {
        rows.add(downRow(d, k, v));
        continue;
      }
      String part = k.contains(":") ? k.substring(k.indexOf(':') + 1) : k;
      boolean process = k.startsWith("rss:") || k.startsWith("threads:") || k.startsWith("fds:");
      long restart = process ? d.lastFault(part) : -1;
      NavigableMap<Long, Double> window = restart >= 0 ? v.tailMap(restart, false) : v;
      List<Double> w = new ArrayList<>(window.values());
      Double first = v.firstEntry().getValue();
      Double last = v.lastEntry().getValue();
      Double middle = w.isEmpty() ? null : w.get((w.size() - 1) / 2);
      String note = "";
      boolean judge = process && !STORES.contains(part);
      if (restart >= 0) {
        if (restart > mid || w.size() < 3) {
          judge = false;
          note = "restarted at " + restart + " s, in the second half: growth not judged";
        } else {
          note = "judged since the restart at " + restart + " s (middle " + window.keySet().toArray()[(w.size() - 1) / 2]
              + " s)";
        }
      } else if (!v.containsKey(mid)) {
        Map.Entry<Long, Double> m = v.floorEntry(mid);
        middle = m == null ? null : m.getValue();
      } else {
        middle = v.get(mid);
      }
      String growth = middle != null && middle > 0 ? String.format(Locale.ROOT, "%+.1f%%", 100 * (last - middle) / middle)
          : "-";
      String verdict = "ok";
      if (judge && middle != null && middle > 0 && 100 * (last - middle) / middle > s.maxGrowthPct()) {
        verdict = "GREW";
      }
      if (k.startsWith("rss:") && last > MAX_RSS_BYTES) {
        verdict = "OVER-3-GB";
      }
      if (k.equals("log:largest") && last > s.logCapBytes()) {
        verdict = "PAST-THE-LOG-CAP";
      }
      if (process && STORES.contains(part) && note.isEmpty()) {
        note = "data store: growth reported, not judged";
      }
      rows.add(new Row(k, first, middle, last, growth, verdict, note));
    }
    Map<String, List<Fault>> byPart = new TreeMap<>();
    for (Fault f : d.faults) {
      byPart.computeIfAbsent(f.part, p -> new ArrayList<>()).add(f);
    }
    for (Map.Entry<String, List<Fault>> e : byPart.entrySet()) {
      StringBuilder note = new StringBuilder();
      boolean recovered = true;
      for (Fault f : e.getValue()) {
        note.append(note.length() == 0 ? "" : "; ").append("at ").append(f.at).append(" s, ")
            .append(f.recoveredAfter == null ? "never answered again" : "healthy after " + f.recoveredAfter + " s");
        recovered &= f.recoveredAfter != null;
      }
      rows.add(new Row("fault:" + e.getKey(), null, null, null, "-",
          recovered ? "ok" : "NOT-RECOVERED", note.toString()));
    }
    rows.sort((a, b) -> a.figure().compareTo(b.figure()));
    return rows;
  }

  /** down:PART: failing unless every such sample lies between a fault on PART and its recovery. */
  private static Row downRow(Data d, String k, TreeMap<Long, Double> v) {
    String part = k.substring(5);
    List<Long> expected = new ArrayList<>();
    List<Long> unexpected = new ArrayList<>();
    for (long t : v.keySet()) {
      boolean during = false;
      for (Fault f : d.faults) {
        if (f.part.equals(part) && f.at <= t && (f.recoveredAfter == null || t <= f.at + f.recoveredAfter + 1)) {
          during = true;
        }
      }
      (during ? expected : unexpected).add(t);
    }
    String note = (unexpected.isEmpty() ? "" : "down at " + times(unexpected) + " s")
        + (expected.isEmpty() ? "" : (unexpected.isEmpty() ? "" : "; ") + "down at " + times(expected)
            + " s while restarting after a fault");
    return new Row(k, null, null, null, "-", unexpected.isEmpty() ? "ok" : "DOWN-AT-A-SAMPLE", note);
  }

  private static String times(List<Long> t) {
    StringBuilder s = new StringBuilder();
    for (int i = 0; i < t.size() && i < 8; i++) {
      s.append(i == 0 ? "" : ", ").append(t.get(i));
    }
    return t.size() > 8 ? s + ", ..." : s.toString();
  }

  /** The console text: the table, the per-order growth of the data stores, the faults. */
  static String console(Data d, List<Row> rows, Settings s) {
    StringBuilder out = new StringBuilder();
    if (d.times.size() < 3) {
      return out.append("soak: fewer than three samples, nothing to compare\n").toString();
    }
    List<Long> t = d.timeList();
    out.append(String.format(Locale.ROOT, "%-30s %16s %16s %16s %10s  %s%n", "figure", "first (" + t.get(0) + " s)",
        "middle (" + d.middleTime() + " s)", "last (" + t.get(t.size() - 1) + " s)", "2nd half", "verdict"));
    for (Row r : rows) {
      out.append(String.format(Locale.ROOT, "%-30s %16s %16s %16s %10s  %s%s%n", r.figure(), num(r.first()),
          num(r.middle()), num(r.last()), r.growth(), r.verdict(), r.note().isEmpty() ? "" : "  (" + r.note() + ")"));
    }
    String perOrder = perOrder(d, s);
    if (!perOrder.isEmpty()) {
      out.append(perOrder).append('\n');
    }
    out.append(d.faults.isEmpty() ? "faults: none\n" : "faults: " + d.faults.size() + " (see the fault:<part> rows)\n");
    return out.toString();
  }

  /** Per order: Redis bytes and keys, data directory bytes, order-rpc barrier rows; when Redis fills. */
  static String perOrder(Data d, Settings s) {
    if (s.orders() <= 0) {
      return "";
    }
    double mem = delta(d, "redis:used_memory") / s.orders();
    String line = String.format(Locale.ROOT, "per order: Redis %+.0f bytes, %+.2f keys; data dir %+.0f bytes; "
        + "barrier rows %+.2f (order-rpc)", mem, delta(d, "redis:keys") / s.orders(), delta(d, "disk:data") / s.orders(),
        delta(d, "barrier:seckill_order") / s.orders());
    TreeMap<Long, Double> used = d.series.get("redis:used_memory");
    if (mem > 0 && used != null) {
      line += String.format(Locale.ROOT, "%nRedis reaches its maxmemory (%s) after about %.0f more orders kept for the "
          + "retention", s.redisMaxMemory(), (s.redisMaxMemoryBytes() - used.lastEntry().getValue()) / mem);
    }
    return line;
  }

  private static double delta(Data d, String figure) {
    TreeMap<Long, Double> v = d.series.get(figure);
    return v == null ? 0 : v.lastEntry().getValue() - v.firstEntry().getValue();
  }

  /** "4gb", "512mb", "100k", "1048576": bytes. */
  static double bytes(String size) {
    String u = size.trim().toLowerCase(Locale.ROOT);
    double mult = 1;
    if (u.matches(".*gb?$")) {
      mult = 1024 * MIB;
    } else if (u.matches(".*mb?$")) {
      mult = MIB;
    } else if (u.matches(".*kb?$")) {
      mult = 1024;
    }
    String digits = u.replaceAll("[^0-9.]", "");
    return digits.isEmpty() ? 0 : Double.parseDouble(digits) * mult;
  }

  private static String num(Double v) {
    if (v == null) {
      return "-";
    }
    return v == Math.rint(v) ? String.format(Locale.ROOT, "%.0f", v) : HtmlReport.fmt(v, 2);
  }

  /** The page body: the overall verdict, one chart per group, the faults, the verdict table. */
  static String render(Data d, List<Row> rows, Settings s, String source) {
    StringBuilder h = new StringBuilder(64 * 1024);
    boolean pass = passed(rows);
    long end = d.times.isEmpty() ? 0 : d.times.last();
    h.append("<p>Samples: ").append(HtmlReport.esc(source)).append(", ").append(d.times.size()).append(" over ")
        .append(end).append(" s; ").append(d.faults.size()).append(" fault(s). Verdict: ")
        .append(mark(pass ? "PASS" : "FAIL", pass)).append(". Flat lines once warm mean a pass; a dashed red line is ")
        .append("a fault (the part named above it was killed or restarted, so its lines drop and grow back).</p>\n");
    for (Group g : GROUPS) {
      h.append("<h2 id=\"").append(g.id()).append("\">").append(HtmlReport.esc(g.title())).append("</h2>\n");
      Map<String, TreeMap<Long, Double>> series = new LinkedHashMap<>();
      for (Map.Entry<String, TreeMap<Long, Double>> e : d.series.entrySet()) {
        if (g.holds(e.getKey())) {
          series.put(e.getKey(), e.getValue());
        }
      }
      h.append(chart(g, series, d));
    }
    h.append("<h2 id=\"faults\">Faults</h2>\n");
    if (d.faults.isEmpty()) {
      h.append("<p>None.</p>\n");
    } else {
      h.append("<table><tr><th>at (s)</th><th>part</th><th>healthy again after (s)</th></tr>\n");
      for (Fault f : d.faults) {
        h.append("<tr class=\"fault-row\"><td>").append(f.at).append("</td><td>").append(HtmlReport.esc(f.part))
            .append("</td><td>").append(f.recoveredAfter == null ? mark("never", false) : f.recoveredAfter.toString())
            .append("</td></tr>\n");
      }
      h.append("</table>\n");
    }
    h.append("<h2 id=\"verdict\">Verdict</h2>\n<table><tr><th>figure</th><th>first</th><th>middle</th><th>last</th>")
        .append("<th>2nd half</th><th>verdict</th><th>note</th></tr>\n");
    for (Row r : rows) {
      h.append("<tr class=\"verdict-row\"><td>").append(HtmlReport.esc(r.figure())).append("</td><td>").append(num(r.first()))
          .append("</td><td>").append(num(r.middle())).append("</td><td>").append(num(r.last()))
          .append("</td><td>").append(HtmlReport.esc(r.growth())).append("</td><td>").append(mark(r.verdict(), r.ok()))
          .append("</td><td class=\"note\">").append(HtmlReport.esc(r.note())).append("</td></tr>\n");
    }
    h.append("</table>\n<p>Growth is the last sample against the middle one (for a part restarted in the first half: ")
        .append("the middle of the samples after its restart). It fails above ").append(HtmlReport.fmt(s.maxGrowthPct(), 0))
        .append("% for the RSS, threads and descriptors of every part but MariaDB, Redis and Kafka; an RSS above 3 GiB, ")
        .append("the largest log above its cap, a part down outside a fault's restart, or a part that never came back ")
        .append("fail too.</p>\n");
    String perOrder = perOrder(d, s);
    if (!perOrder.isEmpty()) {
      h.append("<p>").append(HtmlReport.esc(perOrder).replace("\n", "<br>")).append("</p>\n");
    }
    return h.toString();
  }

  /** A line chart of {@code series} over the run's seconds, with the faults as dashed vertical lines. */
  static String chart(Group g, Map<String, TreeMap<Long, Double>> series, Data d) {
    int width = 760;
    int left = 60;
    int top = 20;
    int plotH = 170;
    int perRow = 4;
    int legendRows = Math.max(1, (series.size() + perRow - 1) / perRow);
    int axisY = top + plotH;
    int height = axisY + 30 + 16 * legendRows;
    int plotW = width - left - 20;
    double tMax = Math.max(1, d.times.isEmpty() ? 1 : d.times.last());
    double max = 0;
    for (TreeMap<Long, Double> v : series.values()) {
      for (double x : v.values()) {
        max = Math.max(max, x / g.scale());
      }
    }
    max = max > 0 ? HtmlReport.niceCeil(max) : 1;
    StringBuilder s = new StringBuilder();
    s.append("<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart\" data-group=\"").append(g.id())
        .append("\" width=\"").append(width).append("\" height=\"").append(height).append("\" role=\"img\">");
    s.append(String.format(Locale.ROOT, "<text x=\"4\" y=\"14\" font-size=\"11\">%s</text>", HtmlReport.esc(g.unit())));
    for (int i = 0; i <= 4; i++) {
      double y = axisY - plotH * i / 4.0;
      double v = max * i / 4;
      s.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" stroke=\"%s\"/>", left, y,
          width - 20, y, i == 0 ? "#888" : "#e3e3e3"));
      s.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%.1f\" font-size=\"10\" text-anchor=\"end\">%s</text>",
          left - 4, y + 3, HtmlReport.fmt(v, v < 10 && v > 0 ? 1 : 0)));
    }
    s.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#888\"/>", left, top,
        left, axisY));
    long step = timeStep(tMax);
    for (long t = 0; t <= tMax; t += step) {
      double x = left + plotW * t / tMax;
      s.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%d\" font-size=\"10\" text-anchor=\"middle\">%s</text>",
          x, axisY + 14, step % 60 == 0 && t > 0 ? t / 60 + " min" : t + " s"));
    }
    for (Fault f : d.faults) {
      double x = left + plotW * f.at / tMax;
      s.append(String.format(Locale.ROOT, "<line class=\"fault\" x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" "
          + "stroke=\"#d62728\" stroke-dasharray=\"4,3\"><title>fault: %s at %d s%s</title></line>", x, top, x, axisY,
          HtmlReport.esc(f.part), f.at, f.recoveredAfter == null ? ", never answered again"
              : ", healthy after " + f.recoveredAfter + " s"));
      s.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%d\" font-size=\"9\" fill=\"#d62728\" "
          + "text-anchor=\"middle\">%s</text>", x, top - 4, HtmlReport.esc(f.part)));
    }
    if (series.isEmpty()) {
      s.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" font-size=\"12\">no samples</text>", left + 10,
          top + plotH / 2));
    }
    int k = 0;
    for (Map.Entry<String, TreeMap<Long, Double>> e : series.entrySet()) {
      String color = COLORS[k % COLORS.length];
      String name = e.getKey().contains(":") ? e.getKey().substring(e.getKey().indexOf(':') + 1) : e.getKey();
      // One polyline per run of consecutive samples: a sample without a value (a part down) breaks the line.
      StringBuilder pts = new StringBuilder();
      int n = 0;
      for (long t : d.times) {
        Double v = e.getValue().get(t);
        if (v == null) {
          n = segment(s, pts, n, color, e.getKey());
          continue;
        }
        pts.append(String.format(Locale.ROOT, "%.1f,%.1f ", left + plotW * t / tMax, axisY - plotH * (v / g.scale()) / max));
        n++;
      }
      segment(s, pts, n, color, e.getKey());
      int lx = left + 170 * (k % perRow);
      int ly = axisY + 30 + 16 * (k / perRow);
      double lastValue = e.getValue().lastEntry().getValue() / g.scale();
      s.append(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"%d\" width=\"10\" height=\"10\" fill=\"%s\"/>", lx, ly - 9,
          color));
      s.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" font-size=\"11\">%s (%s)</text>", lx + 14, ly,
          HtmlReport.esc(name), HtmlReport.fmt(lastValue, lastValue < 10 && lastValue != Math.rint(lastValue) ? 1 : 0)));
      k++;
    }
    return s.append("</svg>\n").toString();
  }

  /** Draws the collected points (a dot for a single one) and empties them; returns 0. */
  private static int segment(StringBuilder s, StringBuilder pts, int n, String color, String figure) {
    if (n == 1) {
      String[] xy = pts.toString().trim().split(",");
      s.append("<circle cx=\"").append(xy[0]).append("\" cy=\"").append(xy[1]).append("\" r=\"2\" fill=\"").append(color)
          .append("\"><title>").append(HtmlReport.esc(figure)).append("</title></circle>");
    } else if (n > 1) {
      s.append("<polyline fill=\"none\" stroke-width=\"1.5\" stroke=\"").append(color).append("\" points=\"")
          .append(pts.toString().trim()).append("\"><title>").append(HtmlReport.esc(figure)).append("</title></polyline>");
    }
    pts.setLength(0);
    return 0;
  }

  /** A round tick step in seconds giving at most about six ticks over {@code tMax}. */
  static long timeStep(double tMax) {
    for (long step : new long[] {5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600}) {
      if (tMax / step <= 6) {
        return step;
      }
    }
    return 7200;
  }

  private static String mark(String text, boolean met) {
    return "<span class=\"" + (met ? "ok" : "miss") + "\">" + HtmlReport.esc(text) + "</span>";
  }
}
