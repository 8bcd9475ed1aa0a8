package io.seckill.product;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.seckill.runtime.BranchServer;
import io.seckill.runtime.ServiceConfig;
import io.seckill.runtime.testing.TestDatabase;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * product-rpc on a real TCP port, driven by the grpcurl binary exactly as docs/branch-services.md shows,
 * with the dtm-* headers; the rows are checked in the real database. A missing grpcurl fails the test.
 */
class GrpcurlIT {
  private static final long PRODUCT = 1_900_021L;
  private static final String GID = "test-grpcurl-" + UUID.randomUUID();
  private static TestDatabase db;
  private static BranchServer server;
  private static String grpcurl;

  @BeforeAll
  static void start() throws IOException {
    grpcurl = findGrpcurl();
    db = TestDatabase.open("product-rpc", "SECKILL_PRODUCT", ProductMapper.class);
    ServiceConfig config = db.config().with(Map.of(ServiceConfig.GRPC_PORT.name(), "0"));
    server = BranchServer.start(BranchServer.tcpBuilder(config), config, () -> { },
        List.of(new ProductGrpcService(new SqlStockLedger(db.database().sessions()))));
    db.update("DELETE FROM product WHERE id = ?", PRODUCT);
    db.update("INSERT INTO product (id, name, price_cents, initial_stock, available) VALUES (?, 'grpcurl item', 900, 5, 5)",
        PRODUCT);
  }

  @AfterAll
  static void stop() {
    if (server != null) {
      server.stop();
    }
    if (db != null) {
      db.update("DELETE FROM product WHERE id = ?", PRODUCT);
      db.update("DELETE FROM barrier WHERE gid = ?", GID);
      db.close();
    }
  }

  /** SECKILL_GRPCURL, else ${SECKILL_TOOLS_DIR:-~/.cache/seckill/tools}/grpcurl, else /tmp/gobin/grpcurl. */
  static String findGrpcurl() {
    List<Path> candidates = new ArrayList<>();
    String explicit = System.getenv("SECKILL_GRPCURL");
    if (explicit != null && !explicit.isBlank()) {
      candidates.add(Path.of(explicit));
    }
    String tools = System.getenv("SECKILL_TOOLS_DIR");
    candidates.add(tools != null && !tools.isBlank() ? Path.of(tools, "grpcurl")
        : Path.of(System.getProperty("user.home"), ".cache", "seckill", "tools", "grpcurl"));
    candidates.add(Path.of("/tmp/gobin/grpcurl"));
    for (Path p : candidates) {
      if (Files.isExecutable(p)) {
        return p.toString();
      }
    }
    return fail("grpcurl not found (looked at " + candidates + "): run ./seckill up, which installs it, "
        + "or set SECKILL_GRPCURL");
  }

  private record Result(int exit, String out) {
  }

  private static Result grpcurl(String... args) throws Exception {
    List<String> cmd = new ArrayList<>(List.of(grpcurl, "-plaintext"));
    cmd.addAll(List.of(args));
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor(30, TimeUnit.SECONDS), "grpcurl hung");
    return new Result(p.exitValue(), out);
  }

  private static Result branch(String op, String json) throws Exception {
    String method = Character.toUpperCase(op.charAt(0)) + op.substring(1);
    return grpcurl("-H", "dtm-gid: " + GID, "-H", "dtm-trans_type: tcc", "-H", "dtm-branch_id: 01",
        "-H", "dtm-op: " + op, "-d", json, "127.0.0.1:" + server.port(), "seckill.product.ProductService/" + method);
  }

  private static List<Long> counters() {
    Map<String, Object> r = db.row("SELECT available, frozen, sold FROM product WHERE id = ?", PRODUCT).orElseThrow();
    return List.of(((Number) r.get("available")).longValue(), ((Number) r.get("frozen")).longValue(),
        ((Number) r.get("sold")).longValue());
  }

  @Test
  void reflectionTryConfirmAndAMissingHeaderThroughGrpcurl() throws Exception {
    Result list = grpcurl("127.0.0.1:" + server.port(), "list");
    assertEquals(0, list.exit(), list.out());
    assertTrue(list.out().contains("seckill.product.ProductService"), list.out());
    assertTrue(list.out().contains("grpc.health.v1.Health"), list.out());

    String json = "{\"orderId\":\"grpcurl-1\",\"productId\":" + PRODUCT + ",\"quantity\":2}";
    Result bare = grpcurl("-d", json, "127.0.0.1:" + server.port(), "seckill.product.ProductService/Try");
    assertNotEquals(0, bare.exit());
    assertTrue(bare.out().contains("InvalidArgument") && bare.out().contains("dtm-gid"), bare.out());
    assertEquals(List.of(5L, 0L, 0L), counters());

    Result tried = branch("try", json);
    assertEquals(0, tried.exit(), tried.out());
    assertEquals(List.of(3L, 2L, 0L), counters());
    Result confirmed = branch("confirm", json);
    assertEquals(0, confirmed.exit(), confirmed.out());
    assertEquals(List.of(3L, 0L, 2L), counters());
    assertEquals(Map.of("try", "try", "confirm", "confirm"), db.barrier(GID));

    Result soldOut = grpcurl("-H", "dtm-gid: " + GID + "-b", "-H", "dtm-trans_type: tcc", "-H", "dtm-branch_id: 01",
        "-H", "dtm-op: try", "-d", "{\"orderId\":\"grpcurl-2\",\"productId\":" + PRODUCT + ",\"quantity\":4}",
        "127.0.0.1:" + server.port(), "seckill.product.ProductService/Try");
    assertTrue(soldOut.out().contains("Aborted") && soldOut.out().contains("SOLD_OUT"), soldOut.out());

    Result stock = grpcurl("-d", "{\"productId\":" + PRODUCT + "}", "127.0.0.1:" + server.port(),
        "seckill.product.ProductService/GetStock");
    assertEquals(0, stock.exit(), stock.out());
    assertTrue(stock.out().contains("\"sold\": \"2\""), stock.out());
  }
}
