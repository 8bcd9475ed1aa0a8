package io.seckill.consumer;

import io.prometheus.metrics.exporter.httpserver.HTTPServer;
import java.io.IOException;
import java.util.concurrent.Executors;

/**
 * Serves {@code /metrics} (Prometheus text) and {@code /-/healthy} through prometheus-metrics'
 * HTTP exporter. The poll loop runs on the main thread and the process exits when it ends, so a
 * healthy answer means the loop is running.
 */
public final class MetricsServer implements AutoCloseable {
  private final HTTPServer server;

  /** Binds {@code host:port} (port 0 picks a free one) and starts serving. */
  public MetricsServer(String host, int port, Metrics metrics) throws IOException {
    server = HTTPServer.builder()
        .hostname(host)
        .port(port)
        .registry(metrics.registry())
        // One thread: scrapes are rare and must not compete with transactions for the two cores.
        .executorService(Executors.newSingleThreadExecutor(r -> {
          Thread t = new Thread(r, "metrics-http");
          t.setDaemon(true);
          return t;
        }))
        .buildAndStart();
  }

  /** The bound port. */
  public int port() {
    return server.getPort();
  }

  @Override
  public void close() {
    server.close();
  }
}
