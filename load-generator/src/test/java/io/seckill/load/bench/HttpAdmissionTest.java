package io.seckill.load.bench;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class HttpAdmissionTest {

  @Test
  void readsRedisBenchmarkCsv() {
    String seven = "\"test\",\"rps\",\"avg_latency_ms\",\"min_latency_ms\",\"p50_latency_ms\",\"p95_latency_ms\","
        + "\"p99_latency_ms\",\"max_latency_ms\"\n\"EVALSHA abc 6 k1\",\"31545.74\",\"1.990\",\"0.312\",\"1.911\","
        + "\"2.695\",\"3.407\",\"7.295\"\n";
    assertArrayEquals(new double[] {31545.74, 1.911, 3.407}, HttpAdmission.parseRedisBenchmarkCsv(seven), 1e-9);
    assertArrayEquals(new double[] {1000, 0, 0}, HttpAdmission.parseRedisBenchmarkCsv("\"EVALSHA\",\"1000.00\"\n"), 1e-9);
    assertThrows(IllegalStateException.class, () -> HttpAdmission.parseRedisBenchmarkCsv("ERR unknown command"));
  }

  @Test
  void readsWrkSummaryLine() throws Exception {
    JsonNode j = HttpAdmission.lastJsonLine("Running 5s test @ http://x\n  2 threads\n{\"requests\":12,\"non2xx\":1}\n",
        "wrk");
    assertEquals(12, j.path("requests").asLong());
    assertThrows(IllegalStateException.class, () -> HttpAdmission.lastJsonLine("no json", "wrk"));
  }

  @Test
  void aMissingToolIsNamed() {
    HttpAdmission.require("sh", "base");
    IllegalStateException e = assertThrows(IllegalStateException.class,
        () -> HttpAdmission.require("no-such-tool-xyz", "Debian package xyz"));
    assertTrue(e.getMessage().contains("no-such-tool-xyz") && e.getMessage().contains("Debian package xyz"));
  }

  @Test
  void ratioAndJsonFields() throws Exception {
    assertEquals(0.1, HttpAdmission.admissionRatio(3000, 30000), 1e-9);
    assertEquals(0, HttpAdmission.admissionRatio(3000, 0));
    HttpAdmission.Result r = new HttpAdmission.Result("http-admission", Scenario.HTTP_ADMISSION, "d", true, "t", null,
        Map.of(), List.of(), 3000, List.of(), 30000, 0.1, List.of(), 25000, null, Map.of());
    JsonNode j = BenchMain.JSON.valueToTree(r);
    for (String f : List.of("admissionPerSecondMedian", "bareRedisPerSecondMedian", "admissionRatio",
        "soldOutPerSecondMedian", "admissionRuns", "bareRedisRuns", "soldOutRuns", "kind")) {
      assertTrue(j.has(f), f);
    }
  }
}
