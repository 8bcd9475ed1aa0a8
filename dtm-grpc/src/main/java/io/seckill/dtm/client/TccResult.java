package io.seckill.dtm.client;

/** How a TCC global transaction ended, as far as the caller can know. Exactly one of four kinds. */
public sealed interface TccResult {

  /** The global transaction id. */
  String gid();

  /** Submitted (or found submitted/succeed on a rerun): DTM will run every Confirm. */
  record Committed(String gid, GlobalStatus status) implements TccResult { }

  /** A branch's Try refused (gRPC ABORTED): the transaction was aborted and every Cancel will run. */
  record Refused(String gid, String branchId, String reason) implements TccResult { }

  /**
   * Rolled back for a reason other than a business refusal: a Try failed with a non-ABORTED error
   * and the caller aborted, or a rerun found the gid already aborting/failed (e.g. timed out).
   */
  record RolledBack(String gid, GlobalStatus status, String reason) implements TccResult { }

  /**
   * The outcome is not known (DTM unreachable, deadline passed while talking to it). Not a refusal:
   * run the same gid again later (see README: reruns converge) or query its status.
   */
  record Unknown(String gid, Throwable cause) implements TccResult { }
}
