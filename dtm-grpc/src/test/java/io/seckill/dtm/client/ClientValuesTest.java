package io.seckill.dtm.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.seckill.dtm.BranchOp;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;

/** The caller-side value types: validation, wire forms, config loading, query parsing. */
class ClientValuesTest {

  @Test
  void branchUrlsAreWhatDtmSplitsAtTheFirstSlash() {
    TccBranch b = TccBranch.of("127.0.0.1:9002", "seckill.product.ProductService", new byte[] {1, 2});
    assertEquals("127.0.0.1:9002/seckill.product.ProductService/Confirm", b.url(BranchOp.CONFIRM));
    assertEquals("127.0.0.1:9002/seckill.product.ProductService/Cancel", b.url(BranchOp.CANCEL));
    assertThrows(IllegalArgumentException.class, () -> TccBranch.of("http://x:1", "a.B", new byte[0]));
    assertThrows(IllegalArgumentException.class, () -> TccBranch.of("x:1", "a.B/C", new byte[0]));
  }

  @Test
  void optionsAreWholeSecondsOnTheWire() {
    TransOptions o = TransOptions.defaults().withTimeoutToFail(Duration.ofSeconds(30))
        .withRetryInterval(Duration.ofSeconds(12)).withRequestTimeout(Duration.ofSeconds(4))
        .withWaitResult(true).withBranchHeaders(Map.of("x-tenant", "t1"));
    var p = o.toProto();
    assertEquals(30, p.getTimeoutToFail());
    assertEquals(12, p.getRetryInterval());
    assertEquals(4, p.getRequestTimeout());
    assertTrue(p.getWaitResult());
    assertEquals("t1", p.getBranchHeadersMap().get("x-tenant"));
    assertEquals(Duration.ofSeconds(3), TransOptions.defaults().tryDeadline());
    assertThrows(IllegalArgumentException.class, () -> TransOptions.defaults().withTimeoutToFail(Duration.ofMillis(500)));
    assertThrows(IllegalArgumentException.class, () -> TransOptions.defaults().withBranchHeaders(Map.of("dtm-gid", "x")));
  }

  @Test
  void configNamesTheBadKeyAndEnvWins() {
    Properties p = new Properties();
    p.setProperty("dtm.grpc", "10.0.0.1:1");
    assertEquals("10.0.0.2:2", DtmClientConfig.load(p, Map.of("SECKILL_DTM_GRPC", "10.0.0.2:2")).grpcTarget());
    assertEquals("10.0.0.1:1", DtmClientConfig.load(p, Map.of()).grpcTarget());
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> DtmClientConfig.load(new Properties(), Map.of("SECKILL_DTM_CALL_TIMEOUT_MS", "soon")));
    assertTrue(e.getMessage().contains("dtm.call-timeout-ms"));
    e = assertThrows(IllegalArgumentException.class,
        () -> DtmClientConfig.load(new Properties(), Map.of("SECKILL_DTM_HTTP", "ftp://x")));
    assertTrue(e.getMessage().contains("dtm.http"));
  }

  @Test
  void theLaunchersPortsAloneMoveDtm() {
    DtmClientConfig c = DtmClientConfig.load(new Properties(),
        Map.of("SECKILL_DTM_GRPC_PORT", "46790", "SECKILL_DTM_HTTP_PORT", "46789"));
    assertEquals("127.0.0.1:46790", c.grpcTarget());
    assertEquals("http://127.0.0.1:46789", c.httpBase().toString());
    assertEquals("dtm:1", DtmClientConfig.load(new Properties(),
        Map.of("SECKILL_DTM_GRPC_PORT", "46790", "SECKILL_DTM_GRPC", "dtm:1")).grpcTarget(), "an explicit address wins");
    assertThrows(IllegalArgumentException.class,
        () -> DtmClientConfig.load(new Properties(), Map.of("SECKILL_DTM_GRPC_PORT", "x1")));
  }

  @Test
  void queryReplyIsParsed() throws Exception {
    ObjectMapper m = new ObjectMapper();
    String found = """
        {"branches":[{"gid":"g","url":"h:1/a.B/Cancel","branch_id":"01","op":"cancel","status":"succeed"},
                     {"gid":"g","url":"h:1/a.B/Confirm","branch_id":"01","op":"confirm","status":"prepared"}],
         "transaction":{"gid":"g","trans_type":"tcc","status":"failed","rollback_reason":"refused 01 SOLD_OUT"}}""";
    DtmTransaction t = DtmClient.parseQuery(m.readTree(found)).orElseThrow();
    assertEquals(GlobalStatus.FAILED, t.status());
    assertEquals("succeed", t.branchStatus("01", "cancel"));
    assertEquals("refused 01 SOLD_OUT", t.rollbackReason());
    assertFalse(DtmClient.parseQuery(m.readTree("{\"branches\":[],\"transaction\":null}")).isPresent());
  }
}
