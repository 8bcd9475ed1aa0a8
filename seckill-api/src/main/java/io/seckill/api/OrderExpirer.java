package io.seckill.api;

import io.seckill.api.OrderDirectory.StoredOrder;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Expires unpaid orders: every pass asks order-rpc for CONFIRMED orders past their payment deadline
 * and runs the expiry saga of each, at most {@code concurrency} at once. Every API instance runs
 * one; the saga's gid makes the work happen once, and a restart resumes (DTM resumes what it holds,
 * the next pass finds what it does not).
 */
public final class OrderExpirer implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(OrderExpirer.class);

  private final GrpcClients orders;
  private final OrderSagas sagas;
  private final ApiMetrics metrics;
  private final int batch;
  private final int maxInFlight;
  private final ExecutorService workers;
  private final Set<String> inFlight = ConcurrentHashMap.newKeySet();
  private ScheduledExecutorService timer;

  /** An expirer over {@code orders} and {@code sagas}. */
  public OrderExpirer(GrpcClients orders, OrderSagas sagas, ApiMetrics metrics, int batch, int concurrency) {
    this.orders = orders;
    this.sagas = sagas;
    this.metrics = metrics;
    this.batch = batch;
    // Running plus waiting for a worker: a slow DTM makes passes skip work instead of piling it up.
    this.maxInFlight = Math.max(batch, concurrency);
    AtomicInteger n = new AtomicInteger();
    this.workers = Executors.newFixedThreadPool(concurrency, r -> {
      Thread t = new Thread(r, "expirer-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    });
  }

  /** Runs a pass every {@code intervalMs} on a daemon thread. */
  public void start(long intervalMs) {
    timer = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "expirer");
      t.setDaemon(true);
      return t;
    });
    timer.scheduleWithFixedDelay(this::passSafely, intervalMs, intervalMs, TimeUnit.MILLISECONDS);
  }

  private void passSafely() {
    try {
      runOnce();
    } catch (RuntimeException e) {
      // order-rpc away: the next pass retries.
      log.warn("expiry pass failed: {}", e.toString());
    }
  }

  /**
   * One pass: hands each due order not already being expired here to a worker, while fewer than
   * {@code max(batch, concurrency)} are in flight; returns how many it handed over.
   */
  public int runOnce() {
    if (inFlight.size() >= maxInFlight) {
      return 0;
    }
    List<StoredOrder> due = orders.dueOrders(batch);
    int started = 0;
    for (StoredOrder o : due) {
      if (inFlight.size() >= maxInFlight) {
        break;
      }
      if (!inFlight.add(o.orderId())) {
        continue;
      }
      started++;
      workers.execute(() -> {
        try {
          OrderSagas.Outcome outcome = sagas.expire(o);
          metrics.expiry(switch (outcome) {
            case RAN, DONE -> "expired";
            case REFUSED -> "paid_first";
            case RUNNING -> "in_progress";
          });
          if (outcome == OrderSagas.Outcome.RAN || outcome == OrderSagas.Outcome.DONE) {
            log.debug("order {} expired", o.orderId());
          }
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
          metrics.expiry("error");
          log.warn("expiry of {} failed, the next pass retries: {}", o.orderId(), e.toString());
        } finally {
          inFlight.remove(o.orderId());
        }
      });
    }
    return started;
  }

  @Override
  public void close() {
    if (timer != null) {
      timer.shutdownNow();
    }
    workers.shutdownNow();
  }
}
