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
        + "\"targets\":{\"confirmedPerSecondAtLeast300\":{\"met\":false},\"pacedP99Below500ms\":{\"met\":false},"
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
  void niceAxisMaxima() {
    assertEquals(1, HtmlReport.niceCeil(0.7), 1e-9);
    assertEquals(200, HtmlReport.niceCeil(101), 1e-9);
    assertEquals(500, HtmlReport.niceCeil(420), 1e-9);
    assertEquals(1000, HtmlReport.niceCeil(1000), 1e-9);
  }
}
