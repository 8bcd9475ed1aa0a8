package io.seckill.load;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.nio.file.Files;
import java.nio.file.Path;

/** {@code ./seckill load}: one load run from the command line; exit 0 iff the run completed. */
public final class LoadMain {
  /** JSON writer shared by the load and bench reports. */
  static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  private LoadMain() {}

  /** Entry point: see {@link LoadOptions#USAGE}. */
  public static void main(String[] args) throws Exception {
    if (args.length > 0 && ("--help".equals(args[0]) || "-h".equals(args[0]))) {
      System.out.println(LoadOptions.USAGE);
      return;
    }
    LoadOptions options;
    Endpoints endpoints;
    try {
      options = LoadOptions.parse(args);
      endpoints = Endpoints.fromEnv(System.getenv());
    } catch (LoadOptions.UsageException e) {
      System.err.println("load: " + e.getMessage());
      System.err.println(LoadOptions.USAGE);
      System.exit(2);
      return;
    }
    RunSummary summary = new LoadRun(options, endpoints, System.out).run();
    System.out.println(summary.render());
    if (options.json() != null) {
      writeJson(options.json(), summary);
      System.out.println("[load] summary written to " + options.json());
    }
    System.exit(summary.complete() ? 0 : 1);
  }

  /** Writes {@code value} as indented JSON to {@code file}, creating its directory. */
  static void writeJson(Path file, Object value) throws java.io.IOException {
    Path dir = file.toAbsolutePath().getParent();
    if (dir != null) {
      Files.createDirectories(dir);
    }
    JSON.writeValue(file.toFile(), value);
  }
}
