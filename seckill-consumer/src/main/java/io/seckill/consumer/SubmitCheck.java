package io.seckill.consumer;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Learns cheaply whether DTM stored an acknowledged Submit. DTM v1.19.0 may acknowledge a Submit it
 * could not write (docs/dtm-quirks.md Q2), so every acknowledged Submit is checked. The
 * order row answers most of them: DTM confirms the order branch only after it stored the Submit, so a
 * CONFIRMED row proves it. Only an order whose row does not read CONFIRMED in time costs a DTM query.
 */
public interface SubmitCheck {
  /**
   * Completes true once {@code orderId}'s row reads CONFIRMED; false when it does not within the
   * check's bound (or cannot be read), in which case the caller asks DTM. Never fails.
   */
  CompletionStage<Boolean> confirmed(String orderId);

  /** Proves nothing: every Submit is read back from DTM. */
  SubmitCheck ASK_DTM = orderId -> CompletableFuture.completedFuture(false);
}
