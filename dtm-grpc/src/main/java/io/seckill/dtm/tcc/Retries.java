package io.seckill.dtm.tcc;

import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Retries asynchronous calls that failed with trouble, with exponential backoff and jitter, on a
 * timer instead of a sleeping thread, so hundreds of transactions can wait out an outage at once.
 * Retried: {@link TccFailure.Trouble}, {@link TccFailure.NotYet} and any unexpected
 * RuntimeException; never a {@link TccFailure.Conflict}, {@link TccFailure.Refusal},
 * {@link TccFailure.Rejection}, {@link TccFailure.Stopped} or an {@link Error}.
 *
 * <p>Hand-written rather than a retry library's: the libraries that schedule asynchronous retries
 * (Failsafe, resilience4j) hand even the first attempt to their scheduler, a thread hop on every step
 * of every order; here the first attempt runs on the caller's thread and only a retry uses the timer.
 */
public final class Retries {
  private static final Logger log = LoggerFactory.getLogger(Retries.class);

  /** The retried steps, for the retry counter's label. */
  public enum Kind {
    PREPARE, QUERY, REGISTER, TRY, ABORT, RECORD_CANCELLATION, PAUSE,
    /** A caller's whole transaction, run again after it ended without an outcome. */
    ORDER,
    /** A caller's hand-over of a bad record to its dead-letter queue. */
    DEAD_LETTER;

    /** The Prometheus label value. */
    public String label() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  /** Told about every retried trouble (not about {@link TccFailure.NotYet}). */
  @FunctionalInterface
  public interface Listener {
    void retrying(Kind kind, Throwable trouble);
  }

  private final ScheduledExecutorService timer;
  private final Backoff backoff;
  private final BooleanSupplier stopping;
  private final Listener listener;

  /** Retries on {@code timer} with {@code backoff} until {@code stopping} says so. */
  public Retries(ScheduledExecutorService timer, Backoff backoff, BooleanSupplier stopping, Listener listener) {
    this.timer = timer;
    this.backoff = backoff;
    this.stopping = stopping;
    this.listener = listener;
  }

  /** Unwraps the CompletionException/ExecutionException layers futures add. */
  public static Throwable cause(Throwable t) {
    while ((t instanceof CompletionException || t instanceof ExecutionException) && t.getCause() != null) {
      t = t.getCause();
    }
    return t;
  }

  /** True when retrying may help: not a refusal, rejection, conflict or stop, not a JVM error. */
  public static boolean retryable(Throwable t) {
    Throwable c = cause(t);
    return c instanceof TccFailure.Trouble || c instanceof TccFailure.NotYet
        || !(c instanceof TccFailure || c instanceof Error);
  }

  /** The ceiling of the delay before retry {@code attempt} (1 = the first retry). */
  long ceilingMillis(int attempt) {
    double d = backoff.initial().toMillis() * Math.pow(backoff.multiplier(), Math.max(0, attempt - 1));
    return (long) Math.min(backoff.max().toMillis(), d);
  }

  /** The delay before retry {@code attempt}: uniformly in [ceiling/2, ceiling]. */
  long delayMillis(int attempt) {
    long c = ceilingMillis(attempt);
    return c / 2 + ThreadLocalRandom.current().nextLong(c / 2 + 1);
  }

  /** The longest backoff delay. */
  public long maxDelayMillis() {
    return backoff.max().toMillis();
  }

  /** Completes after {@code millis} on the timer, or fails with {@link TccFailure.Stopped} when stopping. */
  public CompletionStage<Void> after(String what, long millis) {
    CompletableFuture<Void> done = new CompletableFuture<>();
    try {
      timer.schedule(() -> {
        if (stopping.getAsBoolean()) {
          done.completeExceptionally(new TccFailure.Stopped(what));
        } else {
          done.complete(null);
        }
      }, millis, TimeUnit.MILLISECONDS);
    } catch (RejectedExecutionException e) {
      done.completeExceptionally(new TccFailure.Stopped(what));
    }
    return done;
  }

  /** Retries {@code call} until it succeeds, fails with an answer, or the caller stops. */
  public <T> CompletionStage<T> untilDone(Kind kind, String what, Supplier<? extends CompletionStage<T>> call) {
    return within(kind, what, Long.MAX_VALUE, call);
  }

  /**
   * Retries {@code call} on trouble while less than {@code budgetMillis} has passed; a retry that
   * would start after the budget is not made, and the last trouble is the result.
   */
  public <T> CompletionStage<T> within(Kind kind, String what, long budgetMillis,
      Supplier<? extends CompletionStage<T>> call) {
    CompletableFuture<T> result = new CompletableFuture<>();
    long deadline = budgetMillis == Long.MAX_VALUE ? Long.MAX_VALUE
        : System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(budgetMillis);
    attempt(kind, what, call, 1, deadline, result);
    return result;
  }

  /** One call, unretried; a RuntimeException thrown instead of returned becomes a failed stage. */
  public static <T> CompletionStage<T> once(Supplier<? extends CompletionStage<T>> call) {
    try {
      return call.get();
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  private <T> void attempt(Kind kind, String what, Supplier<? extends CompletionStage<T>> call, int attempt,
      long deadline, CompletableFuture<T> result) {
    if (stopping.getAsBoolean()) {
      result.completeExceptionally(new TccFailure.Stopped(what));
      return;
    }
    once(call).whenComplete((value, error) -> {
      if (error == null) {
        result.complete(value);
        return;
      }
      Throwable c = cause(error);
      if (!retryable(c)) {
        result.completeExceptionally(c);
        return;
      }
      long delay = delayMillis(attempt);
      if (deadline != Long.MAX_VALUE && System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(delay) > deadline) {
        result.completeExceptionally(c);
        return;
      }
      if (c instanceof TccFailure.NotYet) {
        // An expected wait, not trouble: neither counted nor warned about.
        if (attempt % 20 == 0) {
          log.info("{}: still waiting after {} attempts: {}", what, attempt, c.getMessage());
        }
      } else {
        listener.retrying(kind, c);
        if (attempt == 1 || attempt % 10 == 0) {
          log.warn("{} failed (attempt {}), retrying in {} ms: {}", what, attempt, delay, c.toString());
        }
      }
      try {
        timer.schedule(() -> attempt(kind, what, call, attempt + 1, deadline, result), delay, TimeUnit.MILLISECONDS);
      } catch (RejectedExecutionException e) {
        result.completeExceptionally(new TccFailure.Stopped(what));
      }
    });
  }
}
