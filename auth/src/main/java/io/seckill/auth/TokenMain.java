package io.seckill.auth;

import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.Callable;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code ./seckill token --user 42 [--ttl 1h]}: prints a buyer token signed with the stack's secret. */
@Command(name = "seckill token", mixinStandardHelpOptions = true,
    description = "Prints a buyer token (JWT, HS256) for the local stack, signed with its secret.")
public final class TokenMain implements Callable<Integer> {
  private static final Pattern TTL = Pattern.compile("([1-9][0-9]{0,6})([smhd])");

  @Option(names = "--user", required = true, description = "the buyer id (the token's sub), a positive whole number")
  long user;

  @Option(names = "--ttl", defaultValue = "1h", converter = TtlConverter.class,
      description = "how long the token is valid: <n>s, <n>m, <n>h or <n>d (default: ${DEFAULT-VALUE})")
  Duration ttl;

  @Override
  public Integer call() {
    if (user < 1) {
      throw new CommandLine.ParameterException(new CommandLine(this), "--user must be a positive whole number");
    }
    System.out.println(StackSecrets.fromEnv().buyerTokens().mint(user, ttl, Instant.now()));
    return 0;
  }

  /** Parses {@code 90s}, {@code 30m}, {@code 1h}, {@code 7d}. */
  static final class TtlConverter implements CommandLine.ITypeConverter<Duration> {
    @Override
    public Duration convert(String value) {
      Matcher m = TTL.matcher(value.strip());
      if (!m.matches()) {
        throw new CommandLine.TypeConversionException("'" + value + "' is not a duration like 90s, 30m, 1h or 7d");
      }
      long n = Long.parseLong(m.group(1));
      return switch (m.group(2)) {
        case "s" -> Duration.ofSeconds(n);
        case "m" -> Duration.ofMinutes(n);
        case "h" -> Duration.ofHours(n);
        default -> Duration.ofDays(n);
      };
    }
  }

  /** Entry point. */
  public static void main(String[] args) {
    CommandLine cli = new CommandLine(new TokenMain());
    cli.setExecutionExceptionHandler((e, cmd, parsed) -> {
      cmd.getErr().println("seckill token: " + e.getMessage());
      return 2;
    });
    System.exit(cli.execute(args));
  }
}
