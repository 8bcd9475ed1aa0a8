package io.seckill.runtime;

import io.grpc.BindableService;
import io.seckill.runtime.tracing.Tracing;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The {@code main} of every branch service: config, database, barrier purge, server, run until stopped. */
public final class ServiceMain {
  private static final Logger log = LoggerFactory.getLogger(ServiceMain.class);

  /** Builds a service's gRPC services over its open database. */
  @FunctionalInterface
  public interface Assembly {
    /**
     * The business services to serve, wired to {@code database}; service-specific settings come
     * from {@code config} (a bad one throws ConfigException, which stops start-up naming the key).
     */
    List<BindableService> services(Database database, ServiceConfig config);
  }

  private ServiceMain() {
  }

  /**
   * Loads {@code <name>.properties} with env prefix {@code envPrefix}, validates it, opens the
   * database with {@code mappers}, serves what {@code assembly} builds and blocks until the JVM stops.
   * Exits with status 2 on a config error and 1 when the database or port is unusable, with one
   * line that says why.
   */
  public static void run(String name, String envPrefix, List<Class<?>> mappers, Assembly assembly) {
    ServiceConfig config;
    try {
      config = ServiceConfig.load(name + ".properties", envPrefix).validate();
    } catch (ConfigException e) {
      log.error("{} not started: {}", name, e.getMessage());
      System.exit(2);
      return;
    }
    BranchServer server;
    Database database = null;
    BarrierPurge purge;
    Tracing tracing = Tracing.off();
    try {
      // Checked before anything opens: a bad tracing key stops the start like any other key.
      Tracing.settings(config.settings());
      database = Database.open(config, name, mappers.toArray(new Class<?>[0]));
      purge = BarrierPurge.fromConfig(config.settings(), database.dataSource());
      tracing = Tracing.fromConfig(config.settings(), name);
      server = BranchServer.start(BranchServer.tcpBuilder(config), config, database,
          assembly.services(database, config), tracing);
      // Background work only once the service serves: a failed start leaves nothing running.
      purge.start();
    } catch (ConfigException e) {
      if (database != null) {
        database.close();
      }
      tracing.close();
      log.error("{} not started: {}", name, e.getMessage());
      System.exit(2);
      return;
    } catch (Exception e) {
      if (database != null) {
        database.close();
      }
      tracing.close();
      log.error("{} not started: {}", name, oneLine(e));
      System.exit(1);
      return;
    }
    log.info("{} serving on {}:{} (database {} on {}:{}, tracing {})", name, config.get(ServiceConfig.GRPC_HOST),
        server.port(), config.get(ServiceConfig.DB_NAME), config.get(ServiceConfig.DB_HOST),
        config.get(ServiceConfig.DB_PORT), tracing.enabled() ? "to " + config.get(Tracing.OTLP_ENDPOINT).orElseThrow() : "off");
    try {
      server.runUntilShutdown();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      server.stop();
    } finally {
      purge.close();
    }
    log.info("{} stopped", name);
  }

  // The root cause is what an operator can act on (connection refused, access denied, port in use).
  private static String oneLine(Throwable e) {
    Throwable root = e;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    return root == e ? e.toString() : e.getMessage() + " (cause: " + root + ")";
  }
}
