package io.seckill.verify;

import io.seckill.runtime.ConfigException;
import picocli.CommandLine;

/**
 * How {@code ./seckill verify} and {@code ./seckill chaos} read their command line: picocli, a usage
 * error as one line on stderr, and every failure to run as {@link VerifierMain#EXIT_ERROR}, which a
 * violation (1) never is.
 */
final class Cli {
  private Cli() {
  }

  /**
   * {@code command} with its subcommands and the conventions set: an option given twice keeps its
   * last value, a value never looks like an option ({@code --timeout --no-wait} names the missing
   * value), an argument starting with {@code @} is a value, not a file of arguments.
   */
  static CommandLine commandLine(Object command) {
    CommandLine cli = new CommandLine(command);
    cli.setOverwrittenOptionsAllowed(true);
    cli.setUnmatchedOptionsAllowedAsOptionParameters(false);
    cli.setExpandAtFiles(false);
    cli.setParameterExceptionHandler((e, args) -> {
      CommandLine cmd = e.getCommandLine();
      cmd.getErr().println(cmd.getCommandSpec().qualifiedName() + ": " + e.getMessage() + " (--help lists the options)");
      cmd.getErr().flush();
      return VerifierMain.EXIT_ERROR;
    });
    cli.setExecutionExceptionHandler((e, cmd, parsed) -> {
      if (e instanceof IllegalArgumentException || e instanceof ConfigException) {
        cmd.getErr().println("error: " + e.getMessage());
      } else {
        cmd.getErr().println("error: " + e);
        if (e.getCause() != null) {
          cmd.getErr().println("  caused by: " + e.getCause());
        }
      }
      cmd.getErr().flush();
      return VerifierMain.EXIT_ERROR;
    });
    return cli;
  }

  /** A whole number >= 0. */
  static final class Count implements CommandLine.ITypeConverter<Integer> {
    @Override
    public Integer convert(String value) {
      try {
        int n = Integer.parseInt(value.trim());
        if (n >= 0) {
          return n;
        }
      } catch (NumberFormatException e) {
        // reported below
      }
      throw new CommandLine.TypeConversionException("'" + value + "' is not a whole number >= 0");
    }
  }

  /** A whole number. */
  static final class WholeNumber implements CommandLine.ITypeConverter<Long> {
    @Override
    public Long convert(String value) {
      try {
        return Long.parseLong(value.trim());
      } catch (NumberFormatException e) {
        throw new CommandLine.TypeConversionException("'" + value + "' is not a whole number");
      }
    }
  }

  /** A number within 0..1. */
  static final class Share implements CommandLine.ITypeConverter<Double> {
    @Override
    public Double convert(String value) {
      try {
        double v = Double.parseDouble(value);
        if (v >= 0 && v <= 1) {
          return v;
        }
      } catch (NumberFormatException e) {
        // reported below
      }
      throw new CommandLine.TypeConversionException("'" + value + "' is not a number within 0..1");
    }
  }
}
