package io.seckill.consumer;

/** The consumer is stopping: the work is handed back unfinished and its offset is not committed. */
public final class Stopped extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** A stop noticed while doing {@code what}. */
  public Stopped(String what) {
    super("stopped while " + what, null, false, false);
  }
}
