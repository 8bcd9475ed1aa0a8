package io.seckill.api;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.github.bucket4j.Bucket;
import io.github.bucket4j.ConsumptionProbe;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * A token bucket per client IP (Bucket4j), checked before any Redis work, so one client cannot spend
 * the admission store's capacity. Buckets live in a bounded Caffeine cache that forgets idle clients.
 *
 * <p>The client is the TCP peer, unless the peer is a configured trusted proxy: then it is the
 * right-most address of {@code X-Forwarded-For} that is not itself a trusted proxy. A header from
 * anyone else is ignored, so a client cannot pick its own bucket.
 */
public final class ClientLimiter {
  private final long perSecond;
  private final long burst;
  private final List<Cidr> trustedProxies;
  private final Cache<String, Bucket> buckets;

  /** What the limiter decided for one request. */
  public sealed interface Verdict permits Allowed, Limited {}

  /** Under the limit. */
  public record Allowed() implements Verdict {}

  /** Over the limit: retry after {@code retryAfterSeconds} (at least 1). */
  public record Limited(long retryAfterSeconds) implements Verdict {}

  private static final Allowed ALLOWED = new Allowed();

  /**
   * {@code perSecond} requests per second per client, bursts of up to {@code burst}; 0 disables the
   * limit. {@code trustedProxies} holds addresses or CIDR blocks ({@code 10.0.0.0/8}).
   */
  public ClientLimiter(long perSecond, long burst, List<String> trustedProxies, int maxClients) {
    this.perSecond = perSecond;
    this.burst = Math.max(burst, perSecond);
    List<Cidr> proxies = new ArrayList<>();
    for (String p : trustedProxies) {
      proxies.add(Cidr.parse(p));
    }
    this.trustedProxies = List.copyOf(proxies);
    this.buckets = Caffeine.newBuilder().maximumSize(maxClients).expireAfterAccess(Duration.ofMinutes(10)).build();
  }

  /** Charges one request of the client behind {@code peer} ({@code forwardedFor} may be null). */
  public Verdict charge(InetSocketAddress peer, String forwardedFor) {
    if (perSecond == 0) {
      return ALLOWED;
    }
    String client = clientOf(peer, forwardedFor);
    ConsumptionProbe probe = buckets.get(client, k -> newBucket()).tryConsumeAndReturnRemaining(1);
    if (probe.isConsumed()) {
      return ALLOWED;
    }
    return new Limited(Math.max(1, (probe.getNanosToWaitForRefill() + 999_999_999L) / 1_000_000_000L));
  }

  /** The client address used for the limit: see the class comment. */
  String clientOf(InetSocketAddress peer, String forwardedFor) {
    InetAddress addr = peer == null ? null : peer.getAddress();
    String client = addr == null ? "unknown" : addr.getHostAddress();
    if (addr == null || forwardedFor == null || !trusted(addr)) {
      return client;
    }
    String[] hops = forwardedFor.split(",");
    // Walk from the nearest hop outwards; stop at the first address no trusted proxy vouches for.
    for (int i = hops.length - 1; i >= 0; i--) {
      String hop = hops[i].strip();
      InetAddress a = literal(hop);
      if (a == null) {
        return client;
      }
      client = a.getHostAddress();
      if (!trusted(a)) {
        return client;
      }
    }
    return client;
  }

  private boolean trusted(InetAddress a) {
    for (Cidr c : trustedProxies) {
      if (c.contains(a)) {
        return true;
      }
    }
    return false;
  }

  private Bucket newBucket() {
    return Bucket.builder()
        .addLimit(l -> l.capacity(burst).refillGreedy(perSecond, Duration.ofSeconds(1)))
        .build();
  }

  /** An IP literal, never a DNS lookup; null when {@code s} is not one. */
  private static InetAddress literal(String s) {
    if (s.isEmpty() || s.length() > 45 || !s.matches("[0-9A-Fa-f.:]+")) {
      return null;
    }
    try {
      return InetAddress.getByName(s);
    } catch (UnknownHostException e) {
      return null;
    }
  }

  /** An address block: an address and how many leading bits must match. */
  record Cidr(byte[] network, int bits) {
    static Cidr parse(String spec) {
      String s = spec.strip();
      int slash = s.indexOf('/');
      InetAddress a = literal(slash < 0 ? s : s.substring(0, slash));
      if (a == null) {
        throw new IllegalArgumentException("'" + spec + "' is not an IP address or CIDR block");
      }
      int max = a.getAddress().length * 8;
      int bits;
      try {
        bits = slash < 0 ? max : Integer.parseInt(s.substring(slash + 1));
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("'" + spec + "' has a bad prefix length");
      }
      if (bits < 0 || bits > max) {
        throw new IllegalArgumentException("'" + spec + "' has a prefix length outside 0.." + max);
      }
      return new Cidr(a.getAddress(), bits);
    }

    boolean contains(InetAddress a) {
      byte[] b = a.getAddress();
      if (b.length != network.length) {
        return false;
      }
      int full = bits / 8;
      for (int i = 0; i < full; i++) {
        if (b[i] != network[i]) {
          return false;
        }
      }
      int rest = bits % 8;
      if (rest == 0) {
        return true;
      }
      int mask = 0xff << (8 - rest) & 0xff;
      return (b[full] & mask) == (network[full] & mask);
    }
  }
}
