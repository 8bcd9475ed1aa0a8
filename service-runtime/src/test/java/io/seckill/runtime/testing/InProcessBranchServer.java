package io.seckill.runtime.testing;

import io.grpc.BindableService;
import io.grpc.ManagedChannel;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import io.seckill.runtime.BranchServer;
import io.seckill.runtime.ServiceConfig;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.Properties;

/** A {@link BranchServer} on an in-process transport with a direct executor, and a channel to it. */
public final class InProcessBranchServer implements AutoCloseable {
  private final BranchServer server;
  private final ManagedChannel channel;

  private InProcessBranchServer(BranchServer server, ManagedChannel channel) {
    this.server = server;
    this.channel = channel;
  }

  /** Starts {@code services} the way a real service does (interceptor, health, reflection, size limit). */
  public static InProcessBranchServer start(BindableService... services) throws IOException {
    String name = InProcessServerBuilder.generateName();
    BranchServer server = BranchServer.start(InProcessServerBuilder.forName(name).directExecutor(),
        config(), () -> { }, List.of(services));
    return new InProcessBranchServer(server, InProcessChannelBuilder.forName(name).directExecutor().build());
  }

  /** The settings an in-process server needs (no database is opened). */
  public static ServiceConfig config() {
    Properties p = new Properties();
    p.setProperty(ServiceConfig.GRPC_HOST.name(), "127.0.0.1");
    p.setProperty(ServiceConfig.GRPC_PORT.name(), "0");
    p.setProperty(ServiceConfig.GRPC_MAX_INBOUND_BYTES.name(), "65536");
    p.setProperty(ServiceConfig.GRPC_SHUTDOWN_GRACE_SECONDS.name(), "1");
    return ServiceConfig.of(p, "TEST", Map.of());
  }

  /** The channel to the server. */
  public ManagedChannel channel() {
    return channel;
  }

  /** The server. */
  public BranchServer server() {
    return server;
  }

  /** Closes the channel and stops the server. */
  @Override
  public void close() {
    channel.shutdownNow();
    server.stop();
  }
}
