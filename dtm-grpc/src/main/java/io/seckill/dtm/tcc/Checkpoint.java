package io.seckill.dtm.tcc;

/**
 * A seam at each crash point of a transaction; production uses {@link #NONE}. A test
 * implementation throws (the transaction stops there, as if the process died) or halts the JVM.
 */
@FunctionalInterface
public interface Checkpoint {
  /** The crash points, in transaction order. */
  enum Step { BEFORE_PREPARE, AFTER_PREPARE, AFTER_TRY, AFTER_SUBMIT, AFTER_ABORT }

  /** Does nothing. */
  Checkpoint NONE = (step, gid, detail) -> { };

  /** Called when the transaction of {@code gid} reaches {@code step}; {@code detail} is the branch id for AFTER_TRY. */
  void reached(Step step, String gid, String detail);
}
