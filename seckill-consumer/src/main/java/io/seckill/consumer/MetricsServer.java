package io.seckill.consumer;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Executors;
import java.util.function.BooleanSupplier;

/** Serves {@code /metrics} (Prometheus text) and {@code /health} (200 while the poll loop runs). */
public final class MetricsServer implements AutoCloseable {
  private final HttpServer server;

  /** Binds {@code host:port} (port 0 picks a free one) and starts serving. */
  public MetricsServer(String host, int port, Metrics metrics, BooleanSupplier healthy) throws IOException {
    server = HttpServer.create(new InetSocketAddress(host, port), 16);
    server.createContext("/metrics", ex -> reply(ex, 200, "text/plain; version=0.0.4; charset=utf-8", metrics.render()));
    server.createContext("/health", ex -> {
      boolean ok = healthy.getAsBoolean();
      reply(ex, ok ? 200 : 503, "text/plain; charset=utf-8", ok ? "ok\n" : "not running\n");
    });
    // One thread: scrapes are rare and must not compete with transactions for the two cores.
    server.setExecutor(Executors.newSingleThreadExecutor(r -> {
      Thread t = new Thread(r, "metrics-http");
      t.setDaemon(true);
      return t;
    }));
    server.start();
  }

  /** The bound port. */
  public int port() {
    return server.getAddress().getPort();
  }

  private static void reply(HttpExchange ex, int status, String type, String body) throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    ex.getResponseHeaders().set("Content-Type", type);
    ex.sendResponseHeaders(status, bytes.length);
    try (OutputStream out = ex.getResponseBody()) {
      out.write(bytes);
    }
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
