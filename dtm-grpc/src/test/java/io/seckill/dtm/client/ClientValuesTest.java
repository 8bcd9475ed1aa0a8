package io.seckill.dtm.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.seckill.dtm.BranchOp;
import java.net.URI;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The caller-side value types: validation, wire forms, query parsing. */
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
  void theConfigIsACheckedValueThatNamesTheBadKey() {
    DtmClientConfig c = new DtmClientConfig("10.0.0.1:1", URI.create("http://10.0.0.1:2"), Duration.ofSeconds(5));
    assertEquals("10.0.0.1:1", c.grpcTarget());
    assertEquals("http://10.0.0.1:2", c.httpBase().toString());
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> new DtmClientConfig("no-port", URI.create("http://x:1"), Duration.ofSeconds(1)));
    assertTrue(e.getMessage().contains("dtm.grpc"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class,
        () -> new DtmClientConfig("x:1", URI.create("ftp://x"), Duration.ofSeconds(1)));
    assertTrue(e.getMessage().contains("dtm.http"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class,
        () -> new DtmClientConfig("x:1", URI.create("http://x:1"), Duration.ZERO));
    assertTrue(e.getMessage().contains("dtm.call-timeout-ms"), e.getMessage());
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
