package io.seckill.load.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import org.junit.jupiter.api.Test;

class HtmlReportTest {

  @Test
  void rendersASelfContainedPage() throws Exception {
    JsonNode r = new ObjectMapper().readTree("{\"scenario\":\"ample\",\"description\":\"a <b>test</b>\","
        + "\"dtmStore\":\"mysql\",\"machine\":{\"nproc\":2,\"cpuModel\":\"X\",\"memoryMb\":1000,\"java\":\"17\",\"os\":\"L\"},"
        + "\"settings\":{\"pacedRate\":50},\"runs\":[{\"confirmedPerSecond\":101,\"confirmedTimeline\":[0,90,110,100]}],"
        + "\"confirmedPerSecondMedian\":101,\"paced\":{\"latencyConfirmedMs\":{\"p50\":40,\"p95\":90,\"p99\":700}},"
        + "\"baselineOrdersPerSecondMedian\":400,\"ratio\":0.2525,"
        + "\"processes\":{\"jvmRssPeakTotalMb\":1500,\"processes\":[{\"name\":\"kafka\",\"pid\":5,\"cpuPercent\":30,"
        + "\"cpuSeconds\":3,\"rssPeakMb\":600,\"rssAvgMb\":550,\"java\":true}]},"
        + "\"targets\":{\"confirmedPerSecondAtLeast300\":{\"met\":false},\"pacedP99Below250ms\":{\"met\":false},"
        + "\"ratioAtLeast035\":{\"met\":false},\"jvmRssBelow3GB\":{\"met\":true},\"everyOrderFinal\":{\"met\":true}}}");
    String html = HtmlReport.page(java.nio.file.Files.readString(java.nio.file.Path.of("../bench/report-template.html")),
        HtmlReport.render(List.of(r)));
    assertTrue(html.startsWith("<!DOCTYPE html>") && html.contains("</html>") && !html.contains("{{"));
    assertTrue(html.contains("<svg"));
    assertTrue(html.contains("<polyline"), "throughput over time");
    assertTrue(html.contains("0.25"), "the ratio");
    assertTrue(html.contains("a &lt;b&gt;test&lt;/b&gt;"), "text is escaped");
    assertFalse(html.contains("src=") || html.contains("<link"), "no external assets");
    assertTrue(html.contains("<span class=\"miss\">700</span>"), "a missed target is marked");
  }

  @Test
  void showsTheCeilingTheBoundAndTheAdmissionScenario() throws Exception {
    ObjectMapper m = new ObjectMapper();
    JsonNode pipeline = m.readTree("{\"scenario\":\"ample\",\"dtmStore\":\"mysql\",\"machine\":{},\"settings\":{},"
        + "\"runs\":[],\"confirmedPerSecondMedian\":100,\"paced\":{},\"baselineOrdersPerSecondMedian\":600,"
        + "\"ratio\":0.17,\"ceiling\":{\"bestInFlight\":64,\"perSecondMedian\":450},\"ceilingPerSecondMedian\":450,"
        + "\"boundPerSecond\":257.1,\"boundRatio\":0.389,\"coldToWarmAmpleRatio\":0.81,"
        + "\"targets\":{\"boundRatioAtLeast07\":{\"met\":false},\"coldToWarmAmpleAtLeast08\":{\"met\":true}},"
        + "\"processes\":{}}");
    JsonNode http = m.readTree("{\"scenario\":\"http-admission\",\"kind\":\"http-admission\",\"machine\":{},"
        + "\"admissionRuns\":[{\"perSecond\":2600,\"p50Ms\":21,\"p99Ms\":160}],\"admissionPerSecondMedian\":2600,"
        + "\"bareRedisPerSecondMedian\":31000,\"admissionRatio\":0.0839,\"soldOutRuns\":[{\"perSecond\":25000}],"
        + "\"soldOutPerSecondMedian\":25000,\"targets\":{\"admissionRatioAtLeast03\":{\"met\":false}}}");
    String html = HtmlReport.render(List.of(pipeline, http));
    assertTrue(html.contains("450.0 (64)"), "ceiling with its best in-flight level");
    assertTrue(html.contains("257.1"), "the bound");
    assertTrue(html.contains("<span class=\"miss\">0.39</span>"), "bound ratio marked against 0.7");
    assertTrue(html.contains("<span class=\"ok\">0.81</span>"), "cold/warm ratio marked against 0.8");
    assertTrue(html.contains("<span class=\"miss\">0.084</span>"), "admission ratio marked against 0.3");
    assertTrue(html.contains("25000"), "the sold-out figure");
    assertEquals(1, html.split("<td>http-admission", -1).length - 1, "http-admission only in its own table");
    String alone = HtmlReport.render(List.of(http));
    assertFalse(alone.contains("<h2>Summary"), "no empty pipeline table when only http-admission ran");
    assertTrue(alone.contains("0.084"));
  }

  @Test
  void niceAxisMaxima() {
    assertEquals(1, HtmlReport.niceCeil(0.7), 1e-9);
    assertEquals(200, HtmlReport.niceCeil(101), 1e-9);
    assertEquals(500, HtmlReport.niceCeil(420), 1e-9);
    assertEquals(1000, HtmlReport.niceCeil(1000), 1e-9);
  }
}
