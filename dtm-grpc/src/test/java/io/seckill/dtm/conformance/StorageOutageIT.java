package io.seckill.dtm.conformance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.seckill.dtm.client.DtmClient;
import io.seckill.dtm.client.DtmClientConfig;
import io.seckill.dtm.client.DtmTransaction;
import io.seckill.dtm.client.GlobalStatus;
import io.seckill.dtm.client.TransOptions;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * DTM v1.19.0 with its storage unreachable, on a second DTM server whose MySQL connection runs
 * through a {@link Forwarder} the test cuts. It pins down why callers must Submit with WaitResult:
 * svcSubmit ignores a storage error other than "gid exists" and confirms in the background, so a
 * plain Submit is acknowledged although nothing was written; the gid stays prepared and DTM's
 * timeout later cancels it. With WaitResult the same failure comes back as an error.
 */
@Tag("stack")
class StorageOutageIT {
  private static final String RUN = Long.toString(System.currentTimeMillis(), 36);
  private static final TransOptions PLAIN = TransOptions.defaults().withTimeoutToFail(Duration.ofSeconds(120));
  private static final TransOptions WAIT = PLAIN.withWaitResult(true);

  private static Forwarder storage;
  private static Process server;
  private static Path dir;
  private static DtmClient viaOutage;

  @BeforeAll
  static void startSecondDtm() throws Exception {
    DtmClientConfig stack = TestStack.dtm();
    TestStack.requireUp(stack);
    Path bin = Path.of(TestStack.env("SECKILL_TOOLS_DIR", System.getProperty("user.home") + "/.cache/seckill/tools"), "dtm");
    assertTrue(Files.isExecutable(bin), "no DTM binary at " + bin + " (./seckill up installs it)");

    storage = new Forwarder(TestStack.DB_HOST, TestStack.DB_PORT);
    int http = freePort();
    int grpc = freePort();
    int jsonRpc = freePort();
    dir = Files.createTempDirectory("dtm-outage");
    Path conf = dir.resolve("dtm.yml");
    // MySQL storage (the stack's own DTM may run on Redis): the stack's database, through the cut-able
    // forwarder. Statuses are read back through this server, which reads the storage it writes.
    Files.writeString(conf, String.join("\n",
        "Store:",
        "  Driver: 'mysql'",
        "  Host: '127.0.0.1'",
        "  Port: " + storage.port(),
        "  User: '" + TestStack.DB_USER.replace("'", "''") + "'",
        "  Password: '" + TestStack.DB_PASSWORD.replace("'", "''") + "'",
        "  Db: 'dtm'",
        "HttpPort: " + http,
        "GrpcPort: " + grpc,
        "JsonRpcPort: " + jsonRpc,
        "LogLevel: 'warn'",
        ""));
    server = new ProcessBuilder(bin.toString(), "-c", conf.toString())
        .redirectErrorStream(true).redirectOutput(dir.resolve("dtm.log").toFile()).start();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (!listening(grpc) || !listening(http)) {
      assertTrue(server.isAlive(), "the second DTM exited; see " + dir.resolve("dtm.log"));
      assertTrue(System.nanoTime() < deadline, "the second DTM did not listen within 30 s; see " + dir.resolve("dtm.log"));
      Thread.sleep(100);
    }
    viaOutage = DtmClient.connect(new DtmClientConfig("127.0.0.1:" + grpc, URI.create("http://127.0.0.1:" + http),
        Duration.ofSeconds(10)));
  }

  @AfterAll
  static void stop() throws Exception {
    if (viaOutage != null) {
      viaOutage.close();
    }
    if (server != null) {
      server.destroy();
      if (!server.waitFor(10, TimeUnit.SECONDS)) {
        server.destroyForcibly();
      }
    }
    if (storage != null) {
      storage.close();
    }
  }

  @Test
  void aPlainSubmitIsAcknowledgedWithoutBeingStoredAndWaitResultReportsTheFailure() throws Exception {
    String plain = "outage-" + RUN + "-plain";
    String waited = "outage-" + RUN + "-wait";
    viaOutage.prepare(plain, PLAIN).get(10, TimeUnit.SECONDS);
    viaOutage.prepare(waited, PLAIN).get(10, TimeUnit.SECONDS);

    storage.cut();
    try {
      // DTM's defect: "OK", although the status change could not be written anywhere.
      viaOutage.submit(plain, PLAIN).get(10, TimeUnit.SECONDS);
      assertThrows(ExecutionException.class, () -> viaOutage.submit(waited, WAIT).get(10, TimeUnit.SECONDS),
          "with WaitResult the unwritten Submit is an error");
      assertThrows(ExecutionException.class, () -> viaOutage.prepare("outage-" + RUN + "-new", PLAIN).get(10, TimeUnit.SECONDS),
          "Prepare reports the outage");
    } finally {
      storage.restore();
    }

    assertEquals(GlobalStatus.PREPARED, status(plain), "the acknowledged Submit never reached storage");
    assertEquals(GlobalStatus.PREPARED, status(waited));

    // Storage back: the caller that saw the error queries, finds it prepared and submits again.
    viaOutage.submit(waited, WAIT).get(10, TimeUnit.SECONDS);
    assertEquals(GlobalStatus.SUCCEED, status(waited));
    viaOutage.abort(plain, "test cleanup", PLAIN).get(10, TimeUnit.SECONDS);
  }

  private static GlobalStatus status(String gid) throws Exception {
    DtmTransaction t = viaOutage.query(gid).get(10, TimeUnit.SECONDS)
        .orElseThrow(() -> new AssertionError("the second DTM does not know " + gid));
    return t.status();
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  private static boolean listening(int port) {
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress("127.0.0.1", port), 500);
      return true;
    } catch (IOException e) {
      return false;
    }
  }
}
