package io.seckill.dtm.branch;

import io.grpc.Context;
import io.seckill.dtm.BranchOp;
import java.util.Objects;

/**
 * The DTM transaction facts of one branch call, read from the {@code dtm-*} metadata by
 * {@link DtmServerInterceptor}. {@code (gid, branchId, op)} is the idempotency key the barrier uses.
 *
 * @param gid       the global transaction id (1-128 chars)
 * @param transType the transaction type ({@code tcc})
 * @param branchId  the branch id within the transaction (1-128 chars)
 * @param op        the operation this call performs
 * @param dtm       the coordinator address; empty when DTM itself makes the call
 */
public record BranchContext(String gid, String transType, String branchId, BranchOp op, String dtm) {

  /** Where {@link DtmServerInterceptor} puts the context of the current call. */
  public static final Context.Key<BranchContext> KEY = Context.key("dtm-branch-context");

  /** Longest gid and branch id the barrier table's columns hold. */
  public static final int MAX_ID_LENGTH = 128;

  /** Validates every field; IllegalArgumentException names the bad one. */
  public BranchContext {
    requireId("gid", gid);
    requireId("branchId", branchId);
    if (transType == null || transType.isBlank() || transType.length() > 45) {
      throw new IllegalArgumentException("transType must be 1-45 chars, got '" + transType + "'");
    }
    Objects.requireNonNull(op, "op");
    dtm = dtm == null ? "" : dtm;
  }

  /** The context of the current gRPC call; IllegalStateException when the interceptor did not set one. */
  public static BranchContext current() {
    BranchContext ctx = KEY.get();
    if (ctx == null) {
      throw new IllegalStateException(
          "no DTM branch context on this call: is DtmServerInterceptor installed for this method?");
    }
    return ctx;
  }

  private static void requireId(String name, String value) {
    if (value == null || value.isBlank() || value.length() > MAX_ID_LENGTH) {
      throw new IllegalArgumentException(
          name + " must be 1-" + MAX_ID_LENGTH + " non-blank chars, got '" + value + "'");
    }
  }
}
