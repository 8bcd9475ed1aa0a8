package io.seckill.verify;

import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * Entry point of {@code ./seckill verify} and {@code ./seckill chaos} (the first argument names the
 * command, {@link Verify} or {@link ChaosMain}): exit 0 iff nothing is violated, 1 on a violation,
 * {@link #EXIT_ERROR} when it could not run.
 */
@Command(name = "seckill", subcommands = {VerifierMain.Verify.class, ChaosMain.class},
    description = "Checks the pipeline's invariants (verify), or runs seeded faults under load, then checks (chaos).")
public final class VerifierMain implements Callable<Integer> {
  /** Exit status for a usage, configuration or connection problem (distinct from a violation). */
  static final int EXIT_ERROR = 2;

  @Option(names = {"-h", "--help"}, usageHelp = true, description = "show this help and exit")
  boolean help;

  @Spec
  CommandSpec spec;

  VerifierMain() {
  }

  /** {@code verify [options]} or {@code chaos [options]}. */
  public static void main(String[] args) {
    int status = commandLine().execute(args);
    System.out.flush();
    System.exit(status);
  }

  /** The command with its two subcommands, as {@link #main} runs it. */
  static CommandLine commandLine() {
    return Cli.commandLine(new VerifierMain());
  }

  /** No command given. */
  @Override
  public Integer call() {
    throw new CommandLine.ParameterException(spec.commandLine(), "missing command: verify or chaos");
  }

  /** {@code ./seckill verify}: waits for quiet, checks every invariant once, prints the table. */
  @Command(name = "verify", sortOptions = false,
      description = "Waits (bounded) for the pipeline to go quiet, then checks every invariant across the databases,"
          + " DTM and Redis.",
      footer = "exit 0: every invariant holds; 1: a violation; 2: could not verify")
  static final class Verify implements Callable<Integer> {
    @Option(names = "--products", paramLabel = "A-B", converter = RangeConverter.class,
        description = "check only products A..B (A- : from A on; A : one product); default all")
    ProductRange products;

    @Option(names = "--timeout", paramLabel = "S", converter = Cli.Count.class,
        description = "wait at most S seconds for the pipeline to go quiet (default wait.timeout-seconds, 120)")
    Integer timeout;

    @Option(names = "--no-wait", description = "check at once (same as --timeout 0)")
    boolean noWait;

    @Option(names = "--max-ids", paramLabel = "N", converter = Cli.Count.class,
        description = "name up to N offending ids per violated invariant (default 10)")
    Integer maxIds;

    @Option(names = {"-h", "--help"}, usageHelp = true, description = "show this help and exit")
    boolean help;

    @Override
    public Integer call() throws Exception {
      VerifierConfig config = VerifierConfig.load();
      ProductRange range = products != null ? products : ProductRange.ALL;
      int wait = noWait ? 0 : timeout != null ? timeout : config.waitTimeoutSeconds();
      int ids = maxIds != null ? maxIds : config.maxIds();
      try (StackReader reader = new StackReader(config)) {
        Verifier.Result r = new Verifier(reader, ids, config.pollMillis()).verify(range, Set.of(), wait);
        Verifier.print(r, System.out);
        return r.passed() ? 0 : 1;
      }
    }
  }

  /** {@code A-B}, {@code A-} or {@code A}. */
  static final class RangeConverter implements CommandLine.ITypeConverter<ProductRange> {
    @Override
    public ProductRange convert(String value) {
      try {
        return ProductRange.parse(value);
      } catch (IllegalArgumentException e) {
        throw new CommandLine.TypeConversionException("'" + value + "' is not a range A-B (A <= B), A- or A");
      }
    }
  }
}
