package io.seckill.dtm.tcc;

/** How one branch's Try ended, after its retries within the Try budget. */
public sealed interface TryResult {
  /** The Try succeeded: the branch holds its reservation. */
  record Done() implements TryResult { }

  /** The branch refused (a business "no"): {@code why} is its message, e.g. {@code SOLD_OUT}. */
  record Refused(String why) implements TryResult { }

  /** The branch rejected the request as malformed or not allowed: {@code why} is the status. */
  record Rejected(String why) implements TryResult { }

  /** Trouble outlasted the Try budget: {@code why} is the last trouble. */
  record Failed(String why) implements TryResult { }

  /** The shared instance of {@link Done}. */
  TryResult DONE = new Done();
}
