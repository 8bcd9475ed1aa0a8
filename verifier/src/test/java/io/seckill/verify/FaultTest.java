package io.seckill.verify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The fault schedule is a pure function of the seed, and covers every type before repeating. */
class FaultTest {
  private static final List<String> SERVICES = List.of("order-rpc", "product-rpc", "coupon-rpc", "pay-rpc",
      "seckill-consumer", "seckill-api");

  @Test
  void catalogHoldsEveryFaultType() {
    List<Fault> c = Fault.catalog(SERVICES);
    assertEquals(6 + 1 + 4 + 3 + 4, c.size());
    assertTrue(c.containsAll(List.of(new Fault(Fault.Kind.KILL, "kafka"), new Fault(Fault.Kind.SLOW, "kafka"),
        new Fault(Fault.Kind.KILL, "redis"), new Fault(Fault.Kind.SLOW, "redis"))), c.toString());
    assertEquals(new HashSet<>(List.of(Fault.Kind.values())), new HashSet<>(c.stream().map(Fault::kind).toList()));
  }

  @Test
  void lifecycleCatalogHitsThePaymentAndExpiryPath() {
    List<Fault> c = Fault.lifecycleCatalog(SERVICES);
    assertEquals(List.of(new Fault(Fault.Kind.KILL, "order-rpc"), new Fault(Fault.Kind.KILL, "product-rpc"),
        new Fault(Fault.Kind.KILL, "coupon-rpc"), new Fault(Fault.Kind.KILL, "pay-rpc"),
        new Fault(Fault.Kind.KILL, "seckill-api"), new Fault(Fault.Kind.KILL, "dtm"),
        new Fault(Fault.Kind.SLOW, "pay-rpc")), c);
  }

  @Test
  void sameSeedSameScheduleOtherSeedOtherOrder() {
    List<Fault> c = Fault.catalog(SERVICES);
    assertEquals(Fault.schedule(c, 0, 7), Fault.schedule(c, 0, 7));
    assertNotEquals(Fault.schedule(c, 0, 7), Fault.schedule(c, 0, 8));
    assertEquals(new HashSet<>(c), new HashSet<>(Fault.schedule(c, 0, 7)));
    List<Fault> more = Fault.schedule(c, c.size() + 3, 7);
    assertEquals(new HashSet<>(c), new HashSet<>(more.subList(0, c.size())));
  }

  @Test
  void faultListsParse() {
    assertEquals(List.of(new Fault(Fault.Kind.KILL, "product-rpc"), new Fault(Fault.Kind.DUPLICATE, ""),
        new Fault(Fault.Kind.RESTART, "mariadb")), ChaosMain.parseFaults("kill:product-rpc, duplicate,restart:mariadb"));
    assertThrows(IllegalArgumentException.class, () -> ChaosMain.parseFaults("kill"));
    assertThrows(IllegalArgumentException.class, () -> ChaosMain.parseFaults("explode:dtm"));
  }

  @Test
  void reasonsAreClassedByTheirFirstWords() {
    assertEquals("REFUSED product-rpc", ChaosRun.reasonClass("REFUSED product-rpc: sold out"));
    assertEquals("(no reason)", ChaosRun.reasonClass(""));
  }

  private static ChaosRun.Options withApiShare(int products, double share) {
    return new ChaosRun.Options(1, 100, 1, 0, List.of(), 10, products, 10, 10, 10, 10, 1, 1, 10, 0, 0, List.of(), share);
  }

  @Test
  void aMixedRoundSellsAtLeastOneProductEachWayAndTheEndsAreAllOrNothing() {
    assertEquals(5, withApiShare(10, 0.5).apiProducts());
    assertEquals(1, withApiShare(10, 0.01).apiProducts(), "a small share still exercises the API");
    assertEquals(9, withApiShare(10, 0.99).apiProducts(), "a large share still leaves Kafka a product");
    assertEquals(0, withApiShare(10, 0).apiProducts());
    assertEquals(10, withApiShare(10, 1).apiProducts());
    assertEquals(1, withApiShare(1, 0.5).apiProducts());
    assertEquals(0, withApiShare(1, 0.4).apiProducts());
  }

  @Test
  void withTwoInstancesEachApiConsumerAndDtmIsKilledOnItsOwn(@org.junit.jupiter.api.io.TempDir java.nio.file.Path root)
      throws Exception {
    java.nio.file.Files.createDirectories(root.resolve("stack"));
    java.nio.file.Files.createDirectories(root.resolve(".stack/run"));
    java.nio.file.Files.writeString(root.resolve("stack/services.conf"), String.join("\n",
        "# a comment", "order-rpc|order-rpc|x.Order|9001|grpc", "seckill-consumer|seckill-consumer|x.C|9100|http:/-/healthy",
        "seckill-api|seckill-api|x.Api|8080|http:/health", ""));
    StackControl one = new StackControl(root);
    assertEquals(1, one.instances());
    assertEquals(List.of("order-rpc", "seckill-consumer", "seckill-api"), one.services());
    java.nio.file.Files.writeString(root.resolve(".stack/run/instances"), "2\n");
    StackControl two = new StackControl(root);
    assertEquals(List.of("order-rpc", "seckill-consumer", "seckill-api", "seckill-consumer-2", "seckill-api-2"),
        two.services());
    assertEquals(List.of("dtm", "dtm-2"), two.dtms());
    List<Fault> c = Fault.catalog(two.services(), two.dtms());
    for (String part : List.of("seckill-consumer-2", "seckill-api-2", "dtm", "dtm-2")) {
      assertTrue(c.contains(new Fault(Fault.Kind.KILL, part)), part + " in " + c);
    }
    List<Fault> life = Fault.lifecycleCatalog(two.services(), two.dtms());
    assertTrue(life.contains(new Fault(Fault.Kind.KILL, "seckill-api-2")) && life.contains(new Fault(Fault.Kind.KILL, "dtm-2")),
        life.toString());
    assertTrue(!life.contains(new Fault(Fault.Kind.KILL, "seckill-consumer-2")), life.toString());
  }
}
