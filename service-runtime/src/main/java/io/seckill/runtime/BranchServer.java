package io.seckill.runtime;

import io.grpc.BindableService;
import io.grpc.Server;
import io.grpc.ServerBuilder;
import io.grpc.ServerInterceptors;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.protobuf.services.HealthStatusManager;
import io.grpc.protobuf.services.ProtoReflectionServiceV1;
import io.seckill.dtm.branch.DtmServerInterceptor;
import io.seckill.runtime.tracing.Tracing;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A running branch service: the business services behind {@link DtmServerInterceptor}, plus gRPC
 * health and server reflection. The {@link ServerBuilder} comes from outside, so tests pass an
 * in-process one; {@link #stop()} drains in-flight calls, then closes the service's resources.
 */
public final class BranchServer {
  private static final Logger log = LoggerFactory.getLogger(BranchServer.class);

  private final Server server;
  private final HealthStatusManager health;
  private final Duration grace;
  private final AutoCloseable resources;
  private final Tracing tracing;
  private final AtomicBoolean stopped = new AtomicBoolean();

  private BranchServer(Server server, HealthStatusManager health, Duration grace, AutoCloseable resources,
      Tracing tracing) {
    this.server = server;
    this.health = health;
    this.grace = grace;
    this.resources = resources;
    this.tracing = tracing;
  }

  /**
   * A TCP server builder on {@code grpc.host:grpc.port} (127.0.0.1 unless configured otherwise)
   * whose calls run on a fixed pool of {@code grpc.executor-threads} daemon threads. grpc-java's
   * default is an unbounded cached pool: under a burst every blocking JDBC call got a thread of its
   * own (hundreds per service), and the machine spent its time switching between them.
   */
  public static ServerBuilder<?> tcpBuilder(ServiceConfig config) {
    return NettyServerBuilder.forAddress(new InetSocketAddress(
            config.get(ServiceConfig.GRPC_HOST), config.get(ServiceConfig.GRPC_PORT)))
        .executor(callExecutor(config.get(ServiceConfig.GRPC_EXECUTOR_THREADS)));
  }

  /** {@code threads} daemon threads named {@code call-N}; a burst waits in the queue for one. */
  static ExecutorService callExecutor(int threads) {
    AtomicInteger n = new AtomicInteger();
    return Executors.newFixedThreadPool(threads, r -> {
      Thread t = new Thread(r, "call-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    });
  }

  /**
   * Starts {@code services} on {@code builder} with the message size limit and grace period from
   * {@code config}; {@code resources} (the pool) is closed once the server has stopped.
   */
  public static BranchServer start(ServerBuilder<?> builder, ServiceConfig config, AutoCloseable resources,
      List<BindableService> services) throws IOException {
    return start(builder, config, resources, services, Tracing.off());
  }

  /**
   * As above, with {@code tracing}: when enabled, every business call that carries a trace context
   * (our Try from the consumer, DTM's Confirm/Cancel through the transaction's branch headers) gets a
   * server span around the whole call, the DTM checks included. The server closes {@code tracing}
   * after its resources (the last spans are flushed on the way out).
   */
  public static BranchServer start(ServerBuilder<?> builder, ServiceConfig config, AutoCloseable resources,
      List<BindableService> services, Tracing tracing) throws IOException {
    HealthStatusManager health = new HealthStatusManager();
    DtmServerInterceptor dtm = new DtmServerInterceptor();
    builder.maxInboundMessageSize(config.get(ServiceConfig.GRPC_MAX_INBOUND_BYTES));
    for (BindableService service : services) {
      // The last interceptor runs first: the span sees the call as it arrived.
      builder.addService(tracing.enabled()
          ? ServerInterceptors.intercept(service, dtm, tracing.serverInterceptor())
          : ServerInterceptors.intercept(service, dtm));
    }
    builder.addService(health.getHealthService());
    builder.addService(ProtoReflectionServiceV1.newInstance());
    addLegacyReflection(builder);
    Server server = builder.build().start();
    for (BindableService service : services) {
      health.setStatus(service.bindService().getServiceDescriptor().getName(), ServingStatus.SERVING);
    }
    health.setStatus(HealthStatusManager.SERVICE_NAME_ALL_SERVICES, ServingStatus.SERVING);
    Duration grace = config.get(ServiceConfig.GRPC_SHUTDOWN_GRACE_SECONDS);
    return new BranchServer(server, health, grace, resources, tracing);
  }

  // grpcurl and older tools still ask the v1alpha reflection service first or only.
  @SuppressWarnings("deprecation")
  private static void addLegacyReflection(ServerBuilder<?> builder) {
    builder.addService(io.grpc.protobuf.services.ProtoReflectionService.newInstance());
  }

  /** The bound port (useful when {@code grpc.port} is 0); -1 for in-process servers. */
  public int port() {
    return server.getPort();
  }

  /** Stops the server on JVM shutdown (SIGTERM, Ctrl-C) and blocks until it has terminated. */
  public void runUntilShutdown() throws InterruptedException {
    Runtime.getRuntime().addShutdownHook(new Thread(this::stop, "branch-server-shutdown"));
    server.awaitTermination();
  }

  /**
   * Reports NOT_SERVING, refuses new calls, waits up to the grace period for in-flight ones, cancels
   * what is left, then closes the resources. Idempotent.
   */
  public void stop() {
    if (!stopped.compareAndSet(false, true)) {
      return;
    }
    health.enterTerminalState();
    server.shutdown();
    try {
      if (!server.awaitTermination(grace.toMillis(), TimeUnit.MILLISECONDS)) {
        log.warn("calls still running after {} s: cancelling them", grace.toSeconds());
        server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      server.shutdownNow();
      Thread.currentThread().interrupt();
    } finally {
      closeResources();
    }
  }

  /** True once the server has stopped and every call has finished. */
  public boolean isTerminated() {
    return server.isTerminated();
  }

  private void closeResources() {
    try {
      resources.close();
    } catch (Exception e) {
      log.warn("closing resources failed: {}", e.toString());
    } finally {
      tracing.close();
    }
  }
}
