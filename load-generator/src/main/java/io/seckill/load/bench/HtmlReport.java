package io.seckill.load.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Renders the JSON results of one bench invocation as a single self-contained HTML page: a summary
 * table, throughput-over-time and latency charts as inline SVG, per-process CPU and memory, and the
 * machine. No external assets, so the file can be mailed or opened offline.
 */
public final class HtmlReport {
  private static final String[] COLORS = {"#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#8c564b"};

  private HtmlReport() {}

  /** The skeleton used when no --template is given: the same placeholders as bench/report-template.html. */
  static final String DEFAULT_TEMPLATE = "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
      + "<title>seckill benchmark</title>\n<style>body{font-family:sans-serif;margin:2em;color:#222}"
      + "table{border-collapse:collapse;margin:1em 0}td,th{border:1px solid #ccc;padding:4px 8px;text-align:right}"
      + "th{background:#f3f3f3}td:first-child,th:first-child{text-align:left}.ok{color:#2a7a2a}.miss{color:#b22}"
      + "svg{background:#fafafa;border:1px solid #ddd;margin:0.5em 0}</style></head><body>\n"
      + "<h1>seckill benchmark</h1>\n{{body}}<p>Generated {{generated}}.</p></body></html>\n";

  /** Entry point: --out FILE [--template FILE] result.json... */
  public static void main(String[] args) throws Exception {
    Path out = null;
    String template = DEFAULT_TEMPLATE;
    List<Path> inputs = new ArrayList<>();
    for (int i = 0; i < args.length; i++) {
      if ("--out".equals(args[i])) {
        out = Path.of(args[++i]);
      } else if ("--template".equals(args[i])) {
        template = Files.readString(Path.of(args[++i]), StandardCharsets.UTF_8);
      } else {
        inputs.add(Path.of(args[i]));
      }
    }
    if (out == null || inputs.isEmpty()) {
      System.err.println("usage: HtmlReport --out report.html result.json...");
      System.exit(2);
    }
    ObjectMapper m = new ObjectMapper();
    List<JsonNode> results = new ArrayList<>();
    for (Path p : inputs) {
      results.add(m.readTree(p.toFile()));
    }
    Files.writeString(out, page(template, render(results)), StandardCharsets.UTF_8);
    System.out.println("[bench] report " + out);
  }

  /** {@code template} with {@code {{body}}} and {@code {{generated}}} filled in. */
  static String page(String template, String body) {
    if (!template.contains("{{body}}")) {
      throw new IllegalArgumentException("the report template has no {{body}} placeholder");
    }
    return template.replace("{{generated}}", java.time.Instant.now().toString()).replace("{{body}}", body);
  }

  /** The body of the page for {@code results} (BenchMain.Result JSON trees). */
  static String render(List<JsonNode> all) {
    StringBuilder h = new StringBuilder(64 * 1024);
    List<JsonNode> results = new ArrayList<>();
    List<JsonNode> admissions = new ArrayList<>();
    for (JsonNode r : all) {
      (Scenario.HTTP_ADMISSION.equals(r.path("kind").asText()) ? admissions : results).add(r);
    }
    if (!all.isEmpty()) {
      JsonNode mi = all.get(0).path("machine");
      h.append("<p>Machine: ").append(esc(mi.path("nproc").asText())).append(" CPUs (")
          .append(esc(mi.path("cpuModel").asText())).append("), ").append(esc(mi.path("memoryMb").asText()))
          .append(" MiB memory, Java ").append(esc(mi.path("java").asText())).append(", ")
          .append(esc(mi.path("os").asText())).append(". Everything (MariaDB, Redis, Kafka, DTM, the six services and ")
          .append("the load generator) shares this machine.</p>\n");
    }
    if (results.isEmpty()) {
      admissionSection(h, admissions);
      return h.toString();
    }
    h.append("<h2>Summary</h2>\n<table><tr><th>scenario</th><th>DTM store</th><th>confirmed orders/s<br>(median)</th>")
        .append("<th>runs</th><th>paced rate</th><th>p50 ms</th><th>p95 ms</th><th>p99 ms</th>")
        .append("<th>baseline orders/s</th><th>ratio</th><th>DTM ceiling tx/s</th><th>bound B/s</th><th>pipeline / B</th>")
        .append("<th>cold / warm ample</th><th>JVM RSS peak MiB</th><th>all complete</th></tr>\n");
    for (JsonNode r : results) {
      JsonNode lat = r.path("paced").path("latencyConfirmedMs");
      StringBuilder runs = new StringBuilder();
      for (JsonNode run : r.path("runs")) {
        runs.append(runs.length() == 0 ? "" : ", ").append(fmt(run.path("confirmedPerSecond").asDouble(), 0));
      }
      JsonNode t = r.path("targets");
      h.append("<tr><td>").append(esc(r.path("scenario").asText())).append(r.path("quick").asBoolean() ? " (quick)" : "")
          .append("</td><td>").append(esc(r.path("dtmStore").asText()))
          .append("</td><td>").append(mark(fmt(r.path("confirmedPerSecondMedian").asDouble(), 1),
              t.path("confirmedPerSecondAtLeast300").path("met").asBoolean()))
          .append("</td><td>").append(runs)
          .append("</td><td>").append(fmt(r.path("settings").path("pacedRate").asDouble(), 0))
          .append("/s</td><td>").append(fmt(lat.path("p50").asDouble(), 0))
          .append("</td><td>").append(fmt(lat.path("p95").asDouble(), 0))
          .append("</td><td>").append(mark(fmt(lat.path("p99").asDouble(), 0), t.path("pacedP99Below250ms").path("met").asBoolean()))
          .append("</td><td>").append(fmt(r.path("baselineOrdersPerSecondMedian").asDouble(), 1))
          .append("</td><td>").append(mark(fmt(r.path("ratio").asDouble(), 2), t.path("ratioAtLeast035").path("met").asBoolean()))
          .append("</td><td>").append(ceilingCell(r))
          .append("</td><td>").append(fmt(r.path("boundPerSecond").asDouble(), 1))
          .append("</td><td>").append(mark(fmt(r.path("boundRatio").asDouble(), 2), t.path("boundRatioAtLeast07").path("met").asBoolean()))
          .append("</td><td>").append(r.path("coldToWarmAmpleRatio").isNumber()
              ? mark(fmt(r.path("coldToWarmAmpleRatio").asDouble(), 2), t.path("coldToWarmAmpleAtLeast08").path("met").asBoolean())
              : "")
          .append("</td><td>").append(mark(fmt(r.path("processes").path("jvmRssPeakTotalMb").asDouble(), 0),
              t.path("jvmRssBelow3GB").path("met").asBoolean()))
          .append("</td><td>").append(mark(t.path("everyOrderFinal").path("met").asBoolean() ? "yes" : "NO",
              t.path("everyOrderFinal").path("met").asBoolean()))
          .append("</td></tr>\n");
    }
    h.append("</table>\n<p>Targets (green met, red missed): at least 300 confirmed orders/s sustained 60 s (ample); ")
        .append("p99 under 250 ms at half that rate (the paced run); pipeline / B at least 0.7; pipeline/baseline at ")
        .append("least 0.35; a cold flash sale at least 0.8 of the warm ample figure; all JVMs together under 3 GB RSS. ")
        .append("Latency is enqueue (send) to the order's final state. DTM ceiling: 4-branch TCC transactions/s ")
        .append("(Prepare, 4 RegisterBranch, 4 Try, Submit, DTM's 4 Confirms) through the same DTM on the same storage ")
        .append("with no-op branches in the bench process, median of 3 runs at the best in-flight level (in brackets). ")
        .append("B = 1 / (1/ceiling + 1/baseline), the throughput if the pipeline added nothing to DTM's and the ")
        .append("business work's own costs.</p>\n");

    h.append("<h2>Pipeline against the direct-JDBC baseline, DTM's ceiling and the bound</h2>\n");
    List<String> labels = new ArrayList<>();
    List<double[]> pairs = new ArrayList<>();
    for (JsonNode r : results) {
      labels.add(r.path("scenario").asText());
      pairs.add(new double[] {r.path("confirmedPerSecondMedian").asDouble(), r.path("baselineOrdersPerSecondMedian").asDouble(),
          r.path("ceilingPerSecondMedian").asDouble(), r.path("boundPerSecond").asDouble()});
    }
    h.append(bars(labels, pairs, new String[] {"pipeline confirmed/s", "baseline orders/s", "DTM ceiling tx/s", "bound B/s"},
        "per second"));

    h.append("<h2>Latency of the paced runs (enqueue to CONFIRMED)</h2>\n");
    List<double[]> lats = new ArrayList<>();
    for (JsonNode r : results) {
      JsonNode l = r.path("paced").path("latencyConfirmedMs");
      lats.add(new double[] {l.path("p50").asDouble(), l.path("p95").asDouble(), l.path("p99").asDouble()});
    }
    h.append(bars(labels, lats, new String[] {"p50", "p95", "p99"}, "ms"));

    admissionSection(h, admissions);

    for (JsonNode r : results) {
      h.append("<h2>").append(esc(r.path("scenario").asText())).append(": ").append(esc(r.path("description").asText()))
          .append("</h2>\n<h3>Confirmed orders per second, as-fast-as-possible runs</h3>\n");
      List<List<Double>> series = new ArrayList<>();
      for (JsonNode run : r.path("runs")) {
        List<Double> s = new ArrayList<>();
        run.path("confirmedTimeline").forEach(v -> s.add(v.asDouble()));
        series.add(s);
      }
      h.append(lines(series));
      h.append("<h3>Processes over the pipeline runs</h3>\n<table><tr><th>process</th><th>pid</th><th>CPU %</th>")
          .append("<th>CPU s</th><th>RSS peak MiB</th><th>RSS avg MiB</th><th>JVM</th></tr>\n");
      for (JsonNode p : r.path("processes").path("processes")) {
        h.append("<tr><td>").append(esc(p.path("name").asText())).append("</td><td>").append(p.path("pid").asLong())
            .append("</td><td>").append(fmt(p.path("cpuPercent").asDouble(), 1))
            .append("</td><td>").append(fmt(p.path("cpuSeconds").asDouble(), 1))
            .append("</td><td>").append(fmt(p.path("rssPeakMb").asDouble(), 0))
            .append("</td><td>").append(fmt(p.path("rssAvgMb").asDouble(), 0))
            .append("</td><td>").append(p.path("java").asBoolean() ? "yes" : "").append("</td></tr>\n");
      }
      h.append("</table>\n<p>CPU milliseconds per confirmed order, by part (where the time goes): ");
      StringBuilder per = new StringBuilder();
      r.path("cpuMsPerConfirmedOrder").fields().forEachRemaining(e -> per.append(per.length() == 0 ? "" : ", ")
          .append(esc(e.getKey())).append(' ').append(fmt(e.getValue().asDouble(), 1)));
      h.append(per).append(".</p>\n<p>Machine CPU busy over the window: ")
          .append(fmt(r.path("processes").path("machineCpuPercent").asDouble(), 0))
          .append("% of all cores; 100% CPU in the table is one full core.</p>\n");
    }
    return h.toString();
  }

  private static String ceilingCell(JsonNode r) {
    JsonNode c = r.path("ceiling");
    if (!c.isObject()) {
      return "-";
    }
    return fmt(r.path("ceilingPerSecondMedian").asDouble(), 1) + " (" + c.path("bestInFlight").asInt() + ")";
  }

  /** The http-admission results: API against bare Redis, and the sold-out path. */
  static void admissionSection(StringBuilder h, List<JsonNode> admissions) {
    if (admissions.isEmpty()) {
      return;
    }
    h.append("<h2>HTTP admission (wrk through seckill-api) against bare Redis (redis-benchmark, same admit.lua)</h2>\n")
        .append("<table><tr><th>scenario</th><th>API admissions/s (median)</th><th>runs</th><th>p50 / p99 ms</th>")
        .append("<th>bare Redis admit.lua/s</th><th>admission ratio</th><th>sold-out answers/s</th>")
        .append("<th>sold-out p50 / p99 ms</th></tr>\n");
    List<String> labels = new ArrayList<>();
    List<double[]> values = new ArrayList<>();
    for (JsonNode r : admissions) {
      StringBuilder runs = new StringBuilder();
      for (JsonNode run : r.path("admissionRuns")) {
        runs.append(runs.length() == 0 ? "" : ", ").append(fmt(run.path("perSecond").asDouble(), 0));
      }
      JsonNode a = middle(r.path("admissionRuns"));
      JsonNode so = middle(r.path("soldOutRuns"));
      h.append("<tr><td>").append(esc(r.path("scenario").asText())).append(r.path("quick").asBoolean() ? " (quick)" : "")
          .append("</td><td>").append(fmt(r.path("admissionPerSecondMedian").asDouble(), 0))
          .append("</td><td>").append(runs)
          .append("</td><td>").append(fmt(a.path("p50Ms").asDouble(), 1)).append(" / ").append(fmt(a.path("p99Ms").asDouble(), 1))
          .append("</td><td>").append(fmt(r.path("bareRedisPerSecondMedian").asDouble(), 0))
          .append("</td><td>").append(mark(fmt(r.path("admissionRatio").asDouble(), 3),
              r.path("targets").path("admissionRatioAtLeast03").path("met").asBoolean()))
          .append("</td><td>").append(fmt(r.path("soldOutPerSecondMedian").asDouble(), 0))
          .append("</td><td>").append(fmt(so.path("p50Ms").asDouble(), 1)).append(" / ").append(fmt(so.path("p99Ms").asDouble(), 1))
          .append("</td></tr>\n");
      labels.add(r.path("scenario").asText());
      values.add(new double[] {r.path("admissionPerSecondMedian").asDouble(), r.path("bareRedisPerSecondMedian").asDouble(),
          r.path("soldOutPerSecondMedian").asDouble()});
    }
    h.append("</table>\n<p>Target: API admissions at least 0.3 of bare Redis running the same script in the same run. ")
        .append("Each request is a fresh buyer (the per-user rate limit never answers); the API publishes to a topic ")
        .append("of its own for this scenario, which no consumer reads.</p>\n");
    h.append(bars(labels, values, new String[] {"API admissions/s", "bare Redis admit.lua/s", "sold-out answers/s"}, "per second"));
  }

  private static JsonNode middle(JsonNode runs) {
    return runs.size() == 0 ? com.fasterxml.jackson.databind.node.MissingNode.getInstance() : runs.get(runs.size() / 2);
  }

  /** Grouped bar chart: one group per label, one bar per series. */
  static String bars(List<String> labels, List<double[]> values, String[] series, String unit) {
    int width = 760;
    int height = 280;
    int left = 60;
    int bottom = 40;
    double max = 1;
    for (double[] v : values) {
      for (double x : v) {
        max = Math.max(max, x);
      }
    }
    max = niceCeil(max);
    StringBuilder s = new StringBuilder();
    s.append("<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"").append(width).append("\" height=\"").append(height)
        .append("\" role=\"img\">");
    axes(s, width, height, left, bottom, max, unit);
    int plotW = width - left - 20;
    int plotH = height - bottom - 30;
    double groupW = plotW / (double) Math.max(1, labels.size());
    double barW = groupW * 0.8 / series.length;
    for (int g = 0; g < labels.size(); g++) {
      double gx = left + g * groupW + groupW * 0.1;
      for (int k = 0; k < series.length; k++) {
        double v = values.get(g)[k];
        double bh = plotH * v / max;
        double x = gx + k * barW;
        double y = height - bottom - bh;
        s.append(String.format(Locale.ROOT, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"%s\">"
            + "<title>%s %s: %.1f %s</title></rect>", x, y, barW - 2, bh, COLORS[k % COLORS.length], esc(labels.get(g)),
            esc(series[k]), v, unit));
        s.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%.1f\" font-size=\"10\" text-anchor=\"middle\">%s</text>",
            x + barW / 2, y - 3, fmt(v, v < 10 ? 1 : 0)));
      }
      s.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%d\" font-size=\"12\" text-anchor=\"middle\">%s</text>",
          gx + groupW * 0.4, height - bottom + 16, esc(labels.get(g))));
    }
    legend(s, series, left + 10);
    return s.append("</svg>\n").toString();
  }

  /** Line chart of per-second series (one line per run). */
  static String lines(List<List<Double>> series) {
    int width = 760;
    int height = 260;
    int left = 60;
    int bottom = 40;
    double max = 1;
    int len = 1;
    for (List<Double> s : series) {
      len = Math.max(len, s.size());
      for (double v : s) {
        max = Math.max(max, v);
      }
    }
    max = niceCeil(max);
    StringBuilder s = new StringBuilder();
    s.append("<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"").append(width).append("\" height=\"").append(height)
        .append("\" role=\"img\">");
    axes(s, width, height, left, bottom, max, "orders/s");
    int plotW = width - left - 20;
    int plotH = height - bottom - 30;
    String[] names = new String[series.size()];
    for (int k = 0; k < series.size(); k++) {
      names[k] = "run " + (k + 1);
      StringBuilder pts = new StringBuilder();
      List<Double> v = series.get(k);
      for (int i = 0; i < v.size(); i++) {
        double x = left + plotW * (len == 1 ? 0 : i / (double) (len - 1));
        double y = height - bottom - plotH * v.get(i) / max;
        pts.append(String.format(Locale.ROOT, "%.1f,%.1f ", x, y));
      }
      s.append("<polyline fill=\"none\" stroke-width=\"1.5\" stroke=\"").append(COLORS[k % COLORS.length])
          .append("\" points=\"").append(pts).append("\"/>");
    }
    s.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" font-size=\"11\">0 s</text>", left, height - bottom + 16));
    s.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" font-size=\"11\" text-anchor=\"end\">%d s since the first send</text>",
        width - 20, height - bottom + 16, len - 1));
    legend(s, names, left + 10);
    return s.append("</svg>\n").toString();
  }

  private static void axes(StringBuilder s, int width, int height, int left, int bottom, double max, String unit) {
    int plotH = height - bottom - 30;
    s.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#888\"/>", left,
        height - bottom, width - 20, height - bottom));
    s.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"30\" x2=\"%d\" y2=\"%d\" stroke=\"#888\"/>", left, left,
        height - bottom));
    for (int i = 0; i <= 4; i++) {
      double v = max * i / 4;
      double y = height - bottom - plotH * i / 4.0;
      s.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" stroke=\"#e3e3e3\"/>", left,
          y, width - 20, y));
      s.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%.1f\" font-size=\"10\" text-anchor=\"end\">%s</text>",
          left - 4, y + 3, fmt(v, v < 10 && v > 0 ? 1 : 0)));
    }
    s.append(String.format(Locale.ROOT, "<text x=\"4\" y=\"20\" font-size=\"11\">%s</text>", esc(unit)));
  }

  private static void legend(StringBuilder s, String[] names, int x) {
    for (int k = 0; k < names.length; k++) {
      int lx = x + 150 * k;
      s.append(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"8\" width=\"10\" height=\"10\" fill=\"%s\"/>", lx + 60,
          COLORS[k % COLORS.length]));
      s.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"17\" font-size=\"11\">%s</text>", lx + 74, esc(names[k])));
    }
  }

  /** The smallest 1, 2 or 5 times a power of ten at or above {@code v}. */
  static double niceCeil(double v) {
    double p = Math.pow(10, Math.floor(Math.log10(v)));
    for (double m : new double[] {1, 2, 5, 10}) {
      if (m * p >= v) {
        return m * p;
      }
    }
    return 10 * p;
  }

  private static String mark(String text, boolean met) {
    return "<span class=\"" + (met ? "ok" : "miss") + "\">" + text + "</span>";
  }

  static String fmt(double v, int decimals) {
    return String.format(Locale.ROOT, "%." + decimals + "f", v);
  }

  static String esc(String s) {
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
  }
}
