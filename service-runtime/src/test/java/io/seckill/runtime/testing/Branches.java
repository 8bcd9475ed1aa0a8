package io.seckill.runtime.testing;

import io.grpc.ClientInterceptor;
import io.grpc.Metadata;
import io.grpc.stub.MetadataUtils;
import io.seckill.dtm.DtmHeaders;
import io.seckill.dtm.BranchOp;
import io.seckill.dtm.branch.BranchContext;
import java.util.UUID;

/** Test helpers for DTM branch calls: fresh gids, branch contexts and the dtm-* headers. */
public final class Branches {
  private Branches() {
  }

  /** A gid no other test run uses. */
  public static String newGid(String prefix) {
    return prefix + "-" + UUID.randomUUID();
  }

  /** The context of branch "01" of {@code gid} doing {@code op} (a TCC or a saga op). */
  public static BranchContext context(String gid, BranchOp op) {
    return context(gid, "01", op);
  }

  /** The context of branch {@code branchId} of {@code gid} doing {@code op}. */
  public static BranchContext context(String gid, String branchId, BranchOp op) {
    return new BranchContext(gid, op.transType(), branchId, op, "");
  }

  /** A client interceptor that sends the dtm-* headers of branch "01" of {@code gid} doing {@code op} (TCC or saga). */
  public static ClientInterceptor headers(String gid, BranchOp op) {
    Metadata md = new Metadata();
    md.put(DtmHeaders.GID, gid);
    md.put(DtmHeaders.TRANS_TYPE, op.transType());
    md.put(DtmHeaders.BRANCH_ID, "01");
    md.put(DtmHeaders.OP, op.wire());
    return MetadataUtils.newAttachHeadersInterceptor(md);
  }
}
