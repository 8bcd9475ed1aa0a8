package io.seckill.load;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicLong;

/** What happened on the sending side of a run: accepted, refused (api mode) and failed sends. */
public final class SendStats {
  private final AtomicLong attempted = new AtomicLong();
  private final AtomicLong validAccepted = new AtomicLong();
  private final AtomicLong badAccepted = new AtomicLong();
  private final Map<String, Long> refused = new TreeMap<>();
  private final Map<String, Long> errors = new TreeMap<>();
  private volatile long firstSendMillis;
  private volatile long lastSendMillis;

  /** A send is about to start at {@code millis}. */
  public void attempt(long millis) {
    if (attempted.getAndIncrement() == 0) {
      firstSendMillis = millis;
    }
    lastSendMillis = millis;
  }

  /** A valid order was accepted (Kafka acknowledged it, or the API answered 202). */
  public void acceptedValid() {
    validAccepted.incrementAndGet();
  }

  /** A bad message was acknowledged by Kafka. */
  public void acceptedBad() {
    badAccepted.incrementAndGet();
  }

  /** The API refused an order, for {@code reason} (its status code and error code). */
  public synchronized void refused(String reason) {
    refused.merge(reason, 1L, Long::sum);
  }

  /** A send failed for {@code reason} (not a refusal: the message may never have arrived). */
  public synchronized void error(String reason) {
    errors.merge(reason.length() > 120 ? reason.substring(0, 120) : reason, 1L, Long::sum);
  }

  /** Sends started. */
  public long attempted() {
    return attempted.get();
  }

  /** Valid orders accepted. */
  public long validAccepted() {
    return validAccepted.get();
  }

  /** Bad messages acknowledged. */
  public long badAccepted() {
    return badAccepted.get();
  }

  /** Refusals by reason. */
  public synchronized Map<String, Long> refused() {
    return new TreeMap<>(refused);
  }

  /** Total refusals. */
  public synchronized long refusedTotal() {
    return refused.values().stream().mapToLong(Long::longValue).sum();
  }

  /** Failed sends by reason. */
  public synchronized Map<String, Long> errors() {
    return new TreeMap<>(errors);
  }

  /** Total failed sends. */
  public synchronized long errorTotal() {
    return errors.values().stream().mapToLong(Long::longValue).sum();
  }

  /** When the first send started (epoch ms), 0 before any. */
  public long firstSendMillis() {
    return firstSendMillis;
  }

  /** When the last send started (epoch ms). */
  public long lastSendMillis() {
    return lastSendMillis;
  }
}
