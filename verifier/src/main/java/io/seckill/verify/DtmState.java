package io.seckill.verify;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;

/** What DTM knows: unfinished transactions, outcomes, and which product a transaction is about. */
public interface DtmState {
  /** Transactions still prepared, submitted or aborting whose gid starts with {@code prefix}. */
  List<Snapshot.GlobalTx> unfinished(String prefix) throws Exception;

  /** gid -> status for the given gids, or null when this store cannot answer in bulk. */
  Map<String, String> outcomes(Collection<String> gids) throws Exception;

  /** The product of {@code gid}, read from its product branch's payload, when it has one. */
  OptionalLong productOf(String gid) throws Exception;
}
