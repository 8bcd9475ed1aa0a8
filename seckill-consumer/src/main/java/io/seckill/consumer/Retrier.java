package io.seckill.consumer;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Retries asynchronous calls that failed with trouble (anything but {@link Refused}, {@link
 * Rejected}, {@link Stopped} or an {@link Error}), with backoff, on a timer instead of a sleeping thread, so hundreds
 * of orders can wait out an outage at once.
 */
final class Retrier {
  private static final Logger log = LoggerFactory.getLogger(Retrier.class);

  /** Told about every retried failure, for the trouble counter. */
  interface Listener {
    void retrying(String step, Throwable trouble);
  }

  private final ScheduledExecutorService timer;
  private final Backoff backoff;
  private final BooleanSupplier stopping;
  private final Listener listener;

  Retrier(ScheduledExecutorService timer, Backoff backoff, BooleanSupplier stopping, Listener listener) {
    this.timer = timer;
    this.backoff = backoff;
    this.stopping = stopping;
    this.listener = listener;
  }

  /** A condition that is expected to become true soon; retried like trouble but not reported as such. */
  static final class NotYet extends RuntimeException {
    private static final long serialVersionUID = 1L;

    NotYet(String message) {
      super(message, null, false, false);
    }
  }

  /** Unwraps the CompletionException/ExecutionException layers futures add. */
  static Throwable cause(Throwable t) {
    while ((t instanceof CompletionException || t instanceof ExecutionException) && t.getCause() != null) {
      t = t.getCause();
    }
    return t;
  }

  /** True when retrying may help: not a refusal or rejection, not a stop, not a JVM error. */
  static boolean isTrouble(Throwable t) {
    Throwable c = cause(t);
    return !(c instanceof Refused || c instanceof Rejected || c instanceof Stopped || c instanceof Error);
  }

  /** Completes after {@code millis} on the timer (or fails with {@link Stopped} when stopping). */
  CompletionStage<Void> after(String step, long millis) {
    CompletableFuture<Void> done = new CompletableFuture<>();
    try {
      timer.schedule(() -> {
        if (stopping.getAsBoolean()) {
          done.completeExceptionally(new Stopped(step));
        } else {
          done.complete(null);
        }
      }, millis, TimeUnit.MILLISECONDS);
    } catch (java.util.concurrent.RejectedExecutionException e) {
      done.completeExceptionally(new Stopped(step));
    }
    return done;
  }

  /** Retries {@code call} until it succeeds, is refused, or the consumer stops. */
  <T> CompletionStage<T> untilDone(String step, Supplier<CompletionStage<T>> call) {
    return within(step, Long.MAX_VALUE, call);
  }

  /**
   * Retries {@code call} on trouble while less than {@code budgetMillis} has passed; after that the
   * last trouble is the result.
   */
  <T> CompletionStage<T> within(String step, long budgetMillis, Supplier<CompletionStage<T>> call) {
    CompletableFuture<T> result = new CompletableFuture<>();
    long deadline = budgetMillis == Long.MAX_VALUE ? Long.MAX_VALUE : System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(budgetMillis);
    attempt(step, call, 1, deadline, result);
    return result;
  }

  private <T> void attempt(String step, Supplier<CompletionStage<T>> call, int attempt, long deadline,
      CompletableFuture<T> result) {
    if (stopping.getAsBoolean()) {
      result.completeExceptionally(new Stopped(step));
      return;
    }
    CompletionStage<T> stage;
    try {
      stage = call.get();
    } catch (RuntimeException e) {
      stage = CompletableFuture.failedFuture(e);
    }
    stage.whenComplete((value, error) -> {
      if (error == null) {
        result.complete(value);
        return;
      }
      Throwable c = cause(error);
      if (!isTrouble(c)) {
        result.completeExceptionally(c);
        return;
      }
      long delay = backoff.delayMillis(attempt);
      if (deadline != Long.MAX_VALUE && System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(delay) > deadline) {
        result.completeExceptionally(c);
        return;
      }
      if (c instanceof NotYet) {
        // An expected wait (e.g. DTM's asynchronous Cancel), not trouble: neither counted nor warned.
        if (attempt % 20 == 0) {
          log.info("{}: still waiting after {} attempts: {}", step, attempt, c.getMessage());
        }
      } else {
        listener.retrying(step, c);
        if (attempt == 1 || attempt % 10 == 0) {
          log.warn("{} failed (attempt {}), retrying in {} ms: {}", step, attempt, delay, c.toString());
        }
      }
      try {
        timer.schedule(() -> attempt(step, call, attempt + 1, deadline, result), delay, TimeUnit.MILLISECONDS);
      } catch (java.util.concurrent.RejectedExecutionException e) {
        result.completeExceptionally(new Stopped(step));
      }
    });
  }
}
