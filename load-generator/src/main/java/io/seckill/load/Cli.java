package io.seckill.load;

import picocli.CommandLine;

/**
 * How the load generator's commands ({@code ./seckill load}, the bench) read their command line:
 * picocli, with the conventions the launcher relies on, and a usage error as one line on stderr
 * with exit status 2.
 */
public final class Cli {
  private Cli() {}

  /**
   * {@code command} with the conventions set: an option given twice keeps its last value (the
   * launcher puts its own values first and the user's after them, as {@code ./seckill demo --count
   * 10000} does); a value never looks like an option, so {@code --count --quiet} names the missing
   * value; an argument starting with {@code @} is a value, not a file of arguments.
   */
  public static CommandLine commandLine(Object command) {
    CommandLine cli = new CommandLine(command);
    cli.setOverwrittenOptionsAllowed(true);
    cli.setUnmatchedOptionsAllowedAsOptionParameters(false);
    cli.setExpandAtFiles(false);
    cli.setParameterExceptionHandler((e, args) -> {
      CommandLine cmd = e.getCommandLine();
      cmd.getErr().println(cmd.getCommandSpec().qualifiedName() + ": " + e.getMessage() + " (--help lists the options)");
      cmd.getErr().flush();
      return cmd.getCommandSpec().exitCodeOnInvalidInput();
    });
    return cli;
  }

  /** A whole number, {@code _} allowed as a digit separator ({@code 1_000_000}). */
  public static final class WholeNumber implements CommandLine.ITypeConverter<Long> {
    @Override
    public Long convert(String value) {
      try {
        return Long.parseLong(value.replace("_", ""));
      } catch (NumberFormatException e) {
        throw new CommandLine.TypeConversionException("'" + value + "' is not a whole number");
      }
    }
  }

  /** A finite number (no NaN, no infinity). */
  public static final class FiniteNumber implements CommandLine.ITypeConverter<Double> {
    @Override
    public Double convert(String value) {
      try {
        double v = Double.parseDouble(value);
        if (Double.isFinite(v)) {
          return v;
        }
      } catch (NumberFormatException e) {
        // reported below
      }
      throw new CommandLine.TypeConversionException("'" + value + "' is not a number");
    }
  }
}
