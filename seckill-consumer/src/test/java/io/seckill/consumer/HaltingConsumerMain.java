package io.seckill.consumer;

import io.seckill.dtm.tcc.Checkpoint;

/**
 * The consumer with a crash point, for tests that need a real process death: it halts the JVM
 * (like SIGKILL: no hooks, no commit) when a transaction whose order id starts with
 * {@code SECKILL_TEST_HALT_ORDER_PREFIX} reaches {@code SECKILL_TEST_HALT_AT}. Lives in the test
 * sources, so the shipped consumer has no way to halt itself.
 */
public final class HaltingConsumerMain {
  /** Exit status of a JVM halted at its crash point. */
  static final int HALT_STATUS = 86;
  static final String HALT_AT = "SECKILL_TEST_HALT_AT";
  static final String HALT_ORDER_PREFIX = "SECKILL_TEST_HALT_ORDER_PREFIX";

  private HaltingConsumerMain() {
  }

  /** Runs the consumer with the crash point the environment names. */
  public static void main(String[] args) {
    Checkpoint.Step step = Checkpoint.Step.valueOf(System.getenv(HALT_AT));
    String gidPrefix = TccOrderTransactions.GID_PREFIX + System.getenv().getOrDefault(HALT_ORDER_PREFIX, "");
    ConsumerMain.run((reached, gid, detail) -> {
      if (reached == step && gid.startsWith(gidPrefix)) {
        System.err.println("halting the JVM at " + reached + " of " + gid + " " + detail);
        Runtime.getRuntime().halt(HALT_STATUS);
      }
    });
  }
}
