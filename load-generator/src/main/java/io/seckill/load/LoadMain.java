package io.seckill.load;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code ./seckill load}: one load run from the command line; exit 0 iff the run completed, 2 on a usage error. */
@Command(name = "seckill load", abbreviateSynopsis = true, sortOptions = false,
    description = "Sends a flash sale's orders straight to Kafka or through seckill-api and tracks each to its final"
        + " state.",
    footer = {"Env: SECKILL_KAFKA_BOOTSTRAP (127.0.0.1:$SECKILL_KAFKA_PORT),",
        "  SECKILL_API_URL (http://127.0.0.1:$SECKILL_API_PORT),",
        "  SECKILL_ADMIN_URL (http://127.0.0.1:$SECKILL_ADMIN_PORT, 8081),",
        "  SECKILL_DB_HOST/PORT/USER/PASSWORD; the stack's secrets (kafka mode signs",
        "  orders, api mode mints buyer tokens, --open-sale uses the operator token):",
        "  SECKILL_ORDER_SIGNING_KEYS_FILE, SECKILL_BUYER_TOKEN_SECRET_FILE,",
        "  SECKILL_ADMIN_TOKEN_FILE (default .stack/secrets/)"})
public final class LoadMain implements Callable<Integer> {
  /** JSON writer shared by the load and bench reports. */
  static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  @Mixin
  LoadOptions.Flags flags;

  @Option(names = {"-h", "--help"}, usageHelp = true, description = "show this help and exit")
  boolean help;

  @Spec
  CommandSpec spec;

  LoadMain() {}

  /** Entry point: {@code --help} lists the options. */
  public static void main(String[] args) {
    System.exit(commandLine().execute(args));
  }

  /** The command, as {@link #main} runs it. */
  static CommandLine commandLine() {
    return Cli.commandLine(new LoadMain());
  }

  @Override
  public Integer call() throws Exception {
    LoadOptions options;
    Endpoints endpoints;
    try {
      options = flags.toOptions();
      endpoints = Endpoints.fromEnv(System.getenv());
    } catch (LoadOptions.UsageException e) {
      throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
    }
    RunSummary summary = new LoadRun(options, endpoints, System.out).run();
    System.out.println(summary.render());
    if (options.json() != null) {
      writeJson(options.json(), summary);
      System.out.println("[load] summary written to " + options.json());
    }
    return summary.complete() ? 0 : 1;
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
