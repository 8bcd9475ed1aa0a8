package io.seckill.verify;

import java.util.Map;

/** {@code ./seckill chaos}: placeholder until the chaos run lands. */
final class ChaosMain {
  private ChaosMain() {
  }

  static int run(VerifierConfig config, Map<String, String> opts) {
    throw new IllegalArgumentException("chaos is not implemented yet");
  }
}
