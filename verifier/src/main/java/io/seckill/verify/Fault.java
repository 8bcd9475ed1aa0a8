package io.seckill.verify;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

/**
 * One injected fault.
 *
 * @param kind what is done
 * @param target the part it is done to (a service, dtm, mariadb, kafka, redis) or "" for message faults
 */
public record Fault(Kind kind, String target) {
  /** The kinds of fault a chaos run injects. */
  public enum Kind {
    /** SIGKILL, then {@code ./seckill start}. */
    KILL,
    /** SIGSTOP for longer than DTM's request timeout, then SIGCONT. */
    SLOW,
    /** Re-produce a batch of messages already sent. */
    DUPLICATE,
    /** A burst of malformed messages. */
    POISON,
    /** {@code ./seckill restart}: a graceful restart (used for MariaDB). */
    RESTART
  }

  @Override
  public String toString() {
    return target.isEmpty() ? kind.name().toLowerCase() : kind.name().toLowerCase() + " " + target;
  }

  /**
   * Every fault type once: kill each service and DTM, slow each branch, duplicates, poison, a MariaDB
   * restart, and the two stores that are not databases: the Kafka broker and Redis (DTM's storage
   * and the API's admissions), each killed (SIGKILL, then started) and paused (SIGSTOP).
   */
  public static List<Fault> catalog(List<String> services) {
    return catalog(services, List.of("dtm"));
  }

  /** As above, killing each of {@code dtms} (the DTM servers of every instance) on its own. */
  public static List<Fault> catalog(List<String> services, List<String> dtms) {
    List<Fault> out = new ArrayList<>();
    for (String s : services) {
      out.add(new Fault(Kind.KILL, s));
    }
    for (String d : dtms) {
      out.add(new Fault(Kind.KILL, d));
    }
    for (String s : services) {
      if (s.endsWith("-rpc")) {
        out.add(new Fault(Kind.SLOW, s));
      }
    }
    out.add(new Fault(Kind.DUPLICATE, ""));
    out.add(new Fault(Kind.POISON, ""));
    out.add(new Fault(Kind.RESTART, "mariadb"));
    for (String store : List.of("kafka", "redis")) {
      out.add(new Fault(Kind.KILL, store));
      out.add(new Fault(Kind.SLOW, store));
    }
    return out;
  }

  /**
   * Faults on the path after the TCC: kill the API (it runs the expirer and takes the callbacks),
   * each branch service and DTM (which run the payment and expiry sagas), and slow pay-rpc.
   */
  public static List<Fault> lifecycleCatalog(List<String> services) {
    return lifecycleCatalog(services, List.of("dtm"));
  }

  /** As above, with every API instance and every DTM server of {@code dtms}. */
  public static List<Fault> lifecycleCatalog(List<String> services, List<String> dtms) {
    List<Fault> out = new ArrayList<>();
    for (String s : services) {
      if (s.endsWith("-rpc") || s.equals("seckill-api") || s.matches("seckill-api-\\d+")) {
        out.add(new Fault(Kind.KILL, s));
      }
    }
    for (String d : dtms) {
      out.add(new Fault(Kind.KILL, d));
    }
    if (services.contains("pay-rpc")) {
      out.add(new Fault(Kind.SLOW, "pay-rpc"));
    }
    return out;
  }

  /**
   * The faults of one round, repeatable from {@code seed}: {@code count} of the catalog in a seeded
   * order, every type before any repeats; 0 means the whole catalog.
   */
  public static List<Fault> schedule(List<Fault> catalog, int count, long seed) {
    Random rnd = new Random(seed);
    List<Fault> out = new ArrayList<>();
    int n = count <= 0 ? catalog.size() : count;
    while (out.size() < n) {
      List<Fault> deck = new ArrayList<>(catalog);
      Collections.shuffle(deck, rnd);
      out.addAll(deck.subList(0, Math.min(deck.size(), n - out.size())));
    }
    return out;
  }
}
