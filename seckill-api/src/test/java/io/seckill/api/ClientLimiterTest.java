package io.seckill.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import java.util.List;
import org.junit.jupiter.api.Test;

class ClientLimiterTest {
  private static InetSocketAddress peer(String ip) {
    return new InetSocketAddress(ip, 40000);
  }

  @Test
  void aClientGetsItsBurstThenWaits() {
    ClientLimiter l = new ClientLimiter(2, 3, List.of(), 100);
    for (int i = 0; i < 3; i++) {
      assertInstanceOf(ClientLimiter.Allowed.class, l.charge(peer("192.0.2.1"), null), "burst " + i);
    }
    ClientLimiter.Limited limited = assertInstanceOf(ClientLimiter.Limited.class, l.charge(peer("192.0.2.1"), null));
    assertTrue(limited.retryAfterSeconds() >= 1, "Retry-After is at least a second");
    assertInstanceOf(ClientLimiter.Allowed.class, l.charge(peer("192.0.2.2"), null), "another client has its own bucket");
  }

  @Test
  void zeroDisablesTheLimit() {
    ClientLimiter l = new ClientLimiter(0, 0, List.of(), 100);
    for (int i = 0; i < 1000; i++) {
      assertInstanceOf(ClientLimiter.Allowed.class, l.charge(peer("192.0.2.1"), null));
    }
  }

  @Test
  void forwardedForCountsOnlyFromTrustedProxies() {
    ClientLimiter l = new ClientLimiter(1, 1, List.of("10.0.0.0/8", "2001:db8::1"), 100);
    assertEquals("198.51.100.7", l.clientOf(peer("10.1.2.3"), "198.51.100.7"));
    assertEquals("198.51.100.7", l.clientOf(peer("10.1.2.3"), "203.0.113.9, 198.51.100.7, 10.9.9.9"),
        "the right-most address no trusted proxy vouches for");
    assertEquals("192.0.2.50", l.clientOf(peer("192.0.2.50"), "198.51.100.7"), "an untrusted peer's header is ignored");
    assertEquals("10.1.2.3", l.clientOf(peer("10.1.2.3"), "not-an-ip"), "a garbage hop stops the walk at the proxy");
    assertEquals("198.51.100.8", l.clientOf(peer("2001:db8::1"), "198.51.100.8"));
    // A client behind a trusted proxy cannot take a fresh bucket per request by inventing addresses
    // only to the left: the proxy appends the real peer on the right.
    assertInstanceOf(ClientLimiter.Allowed.class, l.charge(peer("10.0.0.1"), "1.1.1.1, 198.51.100.9"));
    assertInstanceOf(ClientLimiter.Limited.class, l.charge(peer("10.0.0.1"), "2.2.2.2, 198.51.100.9"));
  }

  @Test
  void badProxyEntriesAreRefused() {
    assertThrows(IllegalArgumentException.class, () -> new ClientLimiter(1, 1, List.of("example.com"), 10));
    assertThrows(IllegalArgumentException.class, () -> new ClientLimiter(1, 1, List.of("10.0.0.0/33"), 10));
  }
}
