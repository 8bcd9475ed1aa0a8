package io.seckill.load.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.seckill.auth.BuyerTokens;
import io.seckill.auth.TokenVerifier;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TokenPoolTest {
  private static final byte[] SECRET = "the bench's buyer token secret, 32+ bytes".getBytes(StandardCharsets.UTF_8);

  @Test
  void everyThreadGetsItsOwnBuyersOneTokenPerLine(@TempDir Path dir) throws Exception {
    BuyerTokens tokens = new BuyerTokens(SECRET, BuyerTokens.LOCAL_ISSUER, BuyerTokens.AUDIENCE);
    TokenVerifier verifier = new TokenVerifier(new TokenVerifier.Keys(SECRET, null, null), BuyerTokens.LOCAL_ISSUER,
        BuyerTokens.AUDIENCE, Duration.ofSeconds(30));
    List<Path> files = TokenPool.write(tokens, dir.resolve("wrk-tokens-").toString(), 2, 500, 1000, Instant.now());
    assertEquals(List.of(dir.resolve("wrk-tokens-0.txt"), dir.resolve("wrk-tokens-1.txt")), files);
    Set<Long> buyers = new HashSet<>();
    for (int t = 0; t < 2; t++) {
      List<String> lines = Files.readAllLines(files.get(t), StandardCharsets.US_ASCII);
      assertEquals(500, lines.size());
      for (int k = 0; k < lines.size(); k++) {
        long user = TokenPool.user(1000, 2, t, k + 1);
        assertEquals(new TokenVerifier.Buyer(user), verifier.verify("Bearer " + lines.get(k)));
        assertTrue(buyers.add(user), "buyer " + user + " twice");
      }
    }
  }
}
