package io.seckill.verify;

import io.seckill.proto.product.StockRequest;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;

/** DTM's MySQL storage, read with SQL (works even while the DTM server itself is down). */
public final class SqlDtmState implements DtmState {
  private final Databases db;

  /** Reads through {@code db}. */
  public SqlDtmState(Databases db) {
    this.db = db;
  }

  @Override
  public List<Snapshot.GlobalTx> unfinished(String prefix) throws Exception {
    return db.dtmUnfinished(prefix);
  }

  @Override
  public Map<String, String> outcomes(Collection<String> gids) throws Exception {
    return db.dtmStatuses(gids);
  }

  @Override
  public OptionalLong productOf(String gid) throws Exception {
    byte[] payload = db.dtmBranchPayload(gid, "ProductService");
    return payload == null ? OptionalLong.empty() : OptionalLong.of(StockRequest.parseFrom(payload).getProductId());
  }
}
