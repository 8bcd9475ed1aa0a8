package io.seckill.load.bench;

import io.seckill.auth.BuyerTokens;
import io.seckill.auth.StackSecrets;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Buyer tokens for {@code wrk}, minted before a run: wrk's Lua cannot sign a JWT, and the API wants
 * a fresh buyer on every admission request (one live order per buyer per product). One file per
 * wrk thread ({@code <prefix><thread>.txt}), one token per line; thread {@code t} of {@code n}
 * holds the buyers {@code userBase + k * n + t} for k = 1, 2, ..., so no two threads share one.
 * {@code bench/wrk-admission.lua} reads its thread's file a line per request.
 *
 * <p>Also a command for the seckill-api bench script:
 * {@code TokenPool <prefix> <threads> <tokens per thread> <user base>} with the stack's secret.
 */
public final class TokenPool {
  /** Long enough for any bench run; the pool is minted right before it. */
  static final Duration TTL = Duration.ofHours(2);

  private TokenPool() {}

  /** Buyer id of the {@code k}-th token (from 1) of thread {@code thread} of {@code threads}. */
  static long user(long userBase, int threads, int thread, long k) {
    return userBase + k * threads + thread;
  }

  /** Writes the files of {@code threads} threads with {@code perThread} tokens each; returns them. */
  static List<Path> write(BuyerTokens tokens, String prefix, int threads, long perThread, long userBase, Instant now)
      throws IOException {
    List<Path> files = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      Path file = Path.of(prefix + t + ".txt");
      if (file.getParent() != null) {
        Files.createDirectories(file.getParent());
      }
      try (BufferedWriter w = Files.newBufferedWriter(file, StandardCharsets.US_ASCII)) {
        for (long k = 1; k <= perThread; k++) {
          w.write(tokens.mint(user(userBase, threads, t, k), TTL, now));
          w.write('\n');
        }
      }
      files.add(file);
    }
    return files;
  }

  /** {@code TokenPool <prefix> <threads> <tokens per thread> <user base>}: exit 2 on bad arguments. */
  public static void main(String[] args) throws IOException {
    if (args.length != 4) {
      System.err.println("usage: TokenPool <file prefix> <threads> <tokens per thread> <user base>");
      System.exit(2);
    }
    try {
      int threads = Integer.parseInt(args[1]);
      long perThread = Long.parseLong(args[2]);
      long userBase = Long.parseLong(args[3]);
      if (threads < 1 || perThread < 1 || userBase < 0) {
        throw new NumberFormatException("threads and tokens must be positive, the user base not negative");
      }
      write(StackSecrets.fromEnv().buyerTokens(), args[0], threads, perThread, userBase, Instant.now());
    } catch (NumberFormatException e) {
      System.err.println("TokenPool: " + e.getMessage());
      System.exit(2);
    }
  }
}
