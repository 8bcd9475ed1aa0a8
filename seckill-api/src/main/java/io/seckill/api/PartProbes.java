package io.seckill.api;

import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse;
import io.grpc.health.v1.HealthGrpc;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;

/**
 * The health of every part as the dashboard shows it, each probe under {@code timeoutMs}: the gRPC
 * health service of the four branch services, the consumer's {@code /-/healthy}, DTM's
 * {@code /api/ping}, Kafka's cluster description, a Redis PING and MariaDB's handshake greeting
 * (the API has no database account; a server that greets is up). The API itself is up if it answers.
 */
public final class PartProbes implements AutoCloseable {
  /** Where the parts listen. */
  public record Targets(Map<String, String> grpc, URI consumerHealth, URI dtmPing, String kafkaBootstrap,
      InetSocketAddress mariadb) {}

  private final Map<String, ManagedChannel> channels = new LinkedHashMap<>();
  private final Targets targets;
  private final BooleanSupplier redis;
  private final long timeoutMs;
  private final HttpClient http;
  private final ExecutorService blocking;
  private Admin kafka;

  /** Probes of {@code targets}; {@code redis} answers a PING. */
  public PartProbes(Targets targets, BooleanSupplier redis, long timeoutMs) {
    this.targets = targets;
    this.redis = redis;
    this.timeoutMs = timeoutMs;
    targets.grpc().forEach((name, target) ->
        channels.put(name, ManagedChannelBuilder.forTarget(target).usePlaintext().build()));
    this.http = HttpClient.newBuilder().connectTimeout(Duration.ofMillis(timeoutMs))
        .version(HttpClient.Version.HTTP_1_1).build();
    this.blocking = Executors.newFixedThreadPool(3, r -> {
      Thread t = new Thread(r, "api-dashboard-probe");
      t.setDaemon(true);
      return t;
    });
  }

  /** Every part's health, in a fixed order; a probe that outlasts the timeout reports its part down. */
  public CompletableFuture<List<Dashboard.Part>> check() {
    List<CompletableFuture<Dashboard.Part>> parts = new ArrayList<>();
    parts.add(CompletableFuture.completedFuture(new Dashboard.Part("seckill-api", true, "serving")));
    channels.forEach((name, channel) -> parts.add(grpc(name, channel)));
    parts.add(http("seckill-consumer", targets.consumerHealth()));
    parts.add(http("dtm", targets.dtmPing()));
    parts.add(blocking("kafka", this::kafka));
    parts.add(blocking("redis", () -> redis.getAsBoolean() ? "PONG" : null));
    parts.add(blocking("mariadb", this::mariadb));
    return CompletableFuture.allOf(parts.toArray(CompletableFuture[]::new))
        .thenApply(x -> parts.stream().map(CompletableFuture::join).toList());
  }

  private CompletableFuture<Dashboard.Part> grpc(String name, ManagedChannel channel) {
    CompletableFuture<Dashboard.Part> out = new CompletableFuture<>();
    var f = HealthGrpc.newFutureStub(channel).withDeadlineAfter(timeoutMs, TimeUnit.MILLISECONDS)
        .check(HealthCheckRequest.getDefaultInstance());
    f.addListener(() -> {
      try {
        HealthCheckResponse r = f.get();
        boolean serving = r.getStatus() == HealthCheckResponse.ServingStatus.SERVING;
        out.complete(new Dashboard.Part(name, serving, r.getStatus().name()));
      } catch (Exception e) {
        out.complete(down(name, e));
      }
    }, Runnable::run);
    return out;
  }

  private CompletableFuture<Dashboard.Part> http(String name, URI uri) {
    HttpRequest req = HttpRequest.newBuilder(uri).timeout(Duration.ofMillis(timeoutMs)).GET().build();
    return http.sendAsync(req, HttpResponse.BodyHandlers.discarding())
        .thenApply(r -> new Dashboard.Part(name, r.statusCode() == 200, "HTTP " + r.statusCode()))
        .exceptionally(e -> down(name, e));
  }

  private interface Probe {
    /** A detail when up, null when down. */
    String run() throws Exception;
  }

  private CompletableFuture<Dashboard.Part> blocking(String name, Probe probe) {
    return CompletableFuture.supplyAsync(() -> {
      try {
        String detail = probe.run();
        return detail == null ? new Dashboard.Part(name, false, "no answer") : new Dashboard.Part(name, true, detail);
      } catch (Exception e) {
        return down(name, e);
      }
    }, blocking).completeOnTimeout(new Dashboard.Part(name, false, "no answer within " + timeoutMs + " ms"),
        timeoutMs + 200, TimeUnit.MILLISECONDS);
  }

  private String kafka() throws Exception {
    Admin admin = kafkaAdmin();
    int nodes = admin.describeCluster().nodes().get(timeoutMs, TimeUnit.MILLISECONDS).size();
    return nodes > 0 ? nodes + " broker(s)" : null;
  }

  private synchronized Admin kafkaAdmin() {
    if (kafka == null) {
      Properties p = new Properties();
      p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, targets.kafkaBootstrap());
      p.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) timeoutMs);
      p.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) timeoutMs);
      p.put(AdminClientConfig.CLIENT_ID_CONFIG, "seckill-api-dashboard");
      kafka = Admin.create(p);
    }
    return kafka;
  }

  /** MariaDB greets every new connection first: a protocol-10 handshake packet names its version. */
  private String mariadb() throws IOException {
    try (Socket s = new Socket()) {
      s.connect(targets.mariadb(), (int) timeoutMs);
      s.setSoTimeout((int) timeoutMs);
      InputStream in = s.getInputStream();
      byte[] header = in.readNBytes(5);
      if (header.length < 5 || header[4] != 10) {
        return null;
      }
      StringBuilder version = new StringBuilder();
      for (int c = in.read(); c > 0 && version.length() < 64; c = in.read()) {
        version.append((char) c);
      }
      return version.toString();
    }
  }

  private static Dashboard.Part down(String name, Throwable e) {
    Throwable c = e;
    while (c.getCause() != null && c != c.getCause()) {
      c = c.getCause();
    }
    String msg = c.getMessage() == null ? c.getClass().getSimpleName() : c.getMessage();
    return new Dashboard.Part(name, false, msg.length() > 120 ? msg.substring(0, 120) : msg);
  }

  @Override
  public void close() {
    channels.values().forEach(ManagedChannel::shutdownNow);
    blocking.shutdownNow();
    synchronized (this) {
      if (kafka != null) {
        kafka.close(Duration.ofSeconds(1));
      }
    }
  }
}
