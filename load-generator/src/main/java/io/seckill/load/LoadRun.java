package io.seckill.load;

import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.locks.LockSupport;

/**
 * One load run: prepares the sale, sends the workload at the requested rate, follows every order
 * to its final state with a progress line each second, and sums it all up.
 */
public final class LoadRun {
  private final LoadOptions options;
  private final Endpoints endpoints;
  private final PrintStream out;
  private final SaleSetup setup;

  /** A run of {@code options} against {@code endpoints}, reporting progress to {@code out}. */
  public LoadRun(LoadOptions options, Endpoints endpoints, PrintStream out) {
    this.options = options;
    this.endpoints = endpoints;
    this.out = out;
    this.setup = new SaleSetup(endpoints);
  }

  /** A short run id from the clock: a letter (ids must not look like numbers) and base-36 millis. */
  public static String mintRunId() {
    return "L" + Long.toString(System.currentTimeMillis(), 36) + Integer.toString((int) (Math.random() * 36), 36);
  }

  /** Runs to the end and returns the summary. */
  public RunSummary run() throws Exception {
    LoadOptions o = options;
    String runId = o.runId() != null ? o.runId() : mintRunId();
    if (o.mode() == LoadOptions.Mode.KAFKA && o.setup()) {
      long pb = o.productBase() > 0 ? o.productBase() : setup.freshProductBase();
      long cb = o.couponBase() > 0 ? o.couponBase() : setup.freshCouponBase();
      o = o.withBases(pb, cb);
    } else if (o.productBase() == 0) {
      throw new LoadOptions.UsageException("--no-setup needs --product-base (the products must exist)");
    }
    Workload w = Workload.generate(o, runId);
    if (o.mode() == LoadOptions.Mode.KAFKA && o.setup()) {
      setup.insertProducts(o.productBase(), o.products(), o.stockPerProduct());
      setup.insertCoupons(w.coupons());
      note(String.format("set up products %d..%d (%d each) and %d coupons", o.productBase(),
          o.productBase() + o.products() - 1, o.stockPerProduct(), w.coupons().size()));
    }
    if (o.resetSale()) {
      int removed = setup.resetSale(o.productBase(), o.products(), o.stockPerProduct(), o.couponBase(),
          o.couponUsers(), 120_000);
      note(String.format("reset products %d..%d to %d each, coupons %d..%d to UNUSED (%d old orders removed)",
          o.productBase(), o.productBase() + o.products() - 1, o.stockPerProduct(), o.couponBase(),
          o.couponBase() + o.couponUsers() - 1, removed));
    }
    if (o.openSale()) {
      openSales(o);
    }
    OutcomeTracker tracker = new OutcomeTracker();
    SendStats stats = new SendStats();
    try (Connection orders = setup.connect("seckill_order");
        DeadLetterCounter dlq = o.mode() == LoadOptions.Mode.KAFKA ? new DeadLetterCounter(endpoints, runId) : null;
        OrderSender sender = o.mode() == LoadOptions.Mode.KAFKA ? new KafkaOrderSender(endpoints, tracker, stats)
            : new ApiOrderSender(endpoints, o.concurrency(), tracker, stats)) {
      long offset = tracker.calibrate(orders);
      if (Math.abs(offset) > 1000) {
        note("MariaDB's clock differs from this JVM's by " + offset + " ms (time zone?); corrected");
      }
      if (dlq != null) {
        dlq.start();
      }
      Progress progress = new Progress(tracker, stats, sender, dlq);
      Thread ticker = new Thread(progress, "load-progress");
      ticker.setDaemon(true);
      ticker.start();
      long badTotal = w.items().size() - w.orders().size();
      note(String.format("run %s: sending %d orders%s %s", runId, w.orders().size(),
          badTotal > 0 ? " and " + badTotal + " bad messages" : "",
          o.rate() > 0 ? "at " + o.rate() + "/s" : "as fast as possible"));
      long start = System.nanoTime();
      int i = 0;
      for (Outgoing item : w.items()) {
        if (o.rate() > 0) {
          long due = start + (long) (i / o.rate() * 1e9);
          long wait = due - System.nanoTime();
          if (wait > 0) {
            LockSupport.parkNanos(wait);
          }
        }
        sender.send(item);
        i++;
      }
      sender.flush();
      progress.sendingDone = true;
      // Wait for the pipeline: stop when everything is final, or when nothing moved for --wait-seconds.
      long lastChange = System.currentTimeMillis();
      long lastSeen = -1;
      while (true) {
        Thread.sleep(200);
        long seen = tracker.confirmed() + tracker.cancelled() + (dlq == null ? 0 : dlq.bad());
        if (seen != lastSeen) {
          lastSeen = seen;
          lastChange = System.currentTimeMillis();
        }
        boolean dlqDone = dlq == null || dlq.bad() >= stats.badAccepted();
        if (progress.polls > 0 && tracker.pendingCount() == 0 && sender.inFlight() == 0 && dlqDone
            && progress.lastPollDone) {
          break;
        }
        if (System.currentTimeMillis() - lastChange > o.waitSeconds() * 1000L) {
          note("no progress for " + o.waitSeconds() + " s: stop waiting");
          break;
        }
      }
      progress.stop();
      ticker.join(5000);
      return summarize(o, runId, tracker, stats, dlq);
    }
  }

  private void openSales(LoadOptions o) throws Exception {
    HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    // Sales admin lives on the API's admin listener, behind the stack's operator token.
    String authorization = endpoints.adminAuthorization();
    for (long id = o.productBase(); id < o.productBase() + o.products(); id++) {
      HttpRequest req = HttpRequest.newBuilder(URI.create(endpoints.adminUrl() + "/api/v1/admin/sales/" + id + "/open"))
          .timeout(Duration.ofSeconds(10)).header("Authorization", authorization)
          .POST(HttpRequest.BodyPublishers.noBody()).build();
      HttpResponse<String> r = client.send(req, HttpResponse.BodyHandlers.ofString());
      if (r.statusCode() != 200) {
        throw new IllegalStateException("opening the sale of product " + id + " answered " + r.statusCode() + ": "
            + r.body());
      }
    }
    note(String.format("opened the sale of products %d..%d", o.productBase(), o.productBase() + o.products() - 1));
  }

  private RunSummary summarize(LoadOptions o, String runId, OutcomeTracker tracker, SendStats stats,
      DeadLetterCounter dlq) {
    List<long[]> finals = tracker.finals();
    long first = stats.firstSendMillis();
    long lastFinal = first;
    List<Long> confirmedLatency = new ArrayList<>();
    long[] all = new long[finals.size()];
    List<Long> timeline = new ArrayList<>();
    for (int k = 0; k < finals.size(); k++) {
      long[] f = finals.get(k);
      lastFinal = Math.max(lastFinal, f[0]);
      all[k] = f[1];
      if (f[2] == 1) {
        confirmedLatency.add(f[1]);
        int second = (int) Math.max(0, (f[0] - first) / 1000);
        while (timeline.size() <= second) {
          timeline.add(0L);
        }
        timeline.set(second, timeline.get(second) + 1);
      }
    }
    double duration = Math.max(0.001, (lastFinal - first) / 1000.0);
    double sendSeconds = Math.max(0.001, (stats.lastSendMillis() - first) / 1000.0);
    long badSent = stats.badAccepted();
    long dead = dlq == null ? 0 : dlq.bad();
    boolean complete = tracker.pendingCount() == 0 && dead >= badSent && (dlq == null || dlq.validOrders() == 0);
    return new RunSummary(runId, o.mode().name().toLowerCase(Locale.ROOT), Instant.ofEpochMilli(first).toString(), o,
        stats.attempted(), stats.validAccepted(), badSent, stats.refused(), stats.errors(), tracker.confirmed(),
        tracker.cancelled(), tracker.cancelReasons(), dead, dlq == null ? java.util.Map.of() : dlq.byReason(),
        dlq == null ? 0 : dlq.validOrders(), tracker.pendingCount(), complete, sendSeconds, duration,
        stats.attempted() / sendSeconds, tracker.confirmed() / duration,
        (tracker.confirmed() + tracker.cancelled()) / duration,
        Percentiles.summarize(confirmedLatency.stream().mapToLong(Long::longValue).toArray()),
        Percentiles.summarize(all), timeline, tracker.clockOffsetMillis());
  }

  private void note(String line) {
    out.println("[load] " + line);
  }

  /** Polls the order table and prints the progress line once a second. */
  private final class Progress implements Runnable {
    private final OutcomeTracker tracker;
    private final SendStats stats;
    private final OrderSender sender;
    private final DeadLetterCounter dlq;
    private Connection orders;
    private final boolean tty = System.console() != null;
    volatile boolean sendingDone;
    volatile boolean lastPollDone;
    volatile int polls;
    private volatile boolean stopped;

    Progress(OutcomeTracker tracker, SendStats stats, OrderSender sender, DeadLetterCounter dlq) {
      this.tracker = tracker;
      this.stats = stats;
      this.sender = sender;
      this.dlq = dlq;
    }

    /** One poll; a broken connection (MariaDB restarted) is dropped and reopened on the next tick. */
    private boolean pollOnce() {
      try {
        if (orders == null) {
          orders = setup.connect("seckill_order");
        }
        tracker.poll(orders);
        return true;
      } catch (SQLException e) {
        note("polling seckill_order failed (retrying): " + e.getMessage());
        closeQuietly();
        return false;
      }
    }

    private void closeQuietly() {
      if (orders != null) {
        try {
          orders.close();
        } catch (SQLException ignored) {
          // already broken
        }
        orders = null;
      }
    }

    void stop() {
      stopped = true;
    }

    @Override
    public void run() {
      long t0 = System.nanoTime();
      long prevFinal = 0;
      long prevAt = t0;
      while (!stopped) {
        long tick = System.nanoTime();
        // Was sending done before this poll began? Only then does an empty pending set mean "all final".
        boolean doneBefore = sendingDone && sender.inFlight() == 0;
        boolean polled = pollOnce();
        polls++;
        lastPollDone = doneBefore && polled;
        long fin = tracker.confirmed() + tracker.cancelled();
        long now = System.nanoTime();
        double rate = (fin - prevFinal) / Math.max(1e-3, (now - prevAt) / 1e9);
        prevFinal = fin;
        prevAt = now;
        if (!options.quiet()) {
          String line = String.format("[load] %4ds sent %d | confirmed %d | cancelled %d | in flight %d%s%s | %.0f final/s",
              (now - t0) / 1_000_000_000L, stats.attempted(), tracker.confirmed(), tracker.cancelled(),
              tracker.pendingCount() + sender.inFlight(),
              stats.refusedTotal() > 0 ? " | refused " + stats.refusedTotal() : "",
              dlq != null && dlq.bad() > 0 ? " | DLQ " + dlq.bad() : "", rate);
          if (tty) {
            out.print("\r" + line + "   ");
          } else {
            out.println(line);
          }
          out.flush();
        }
        long sleep = 1_000_000_000L - (System.nanoTime() - tick);
        if (sleep > 0 && !stopped) {
          LockSupport.parkNanos(sleep);
        }
      }
      closeQuietly();
      if (tty && !options.quiet()) {
        out.println();
      }
    }
  }
}
