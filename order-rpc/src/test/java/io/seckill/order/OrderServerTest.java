package io.seckill.order;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.seckill.runtime.ConfigException;
import io.seckill.runtime.ServiceConfig;
import java.io.InputStream;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;

/** order.payment-deadline: the shipped default, the env override, and a bad value naming the key. */
class OrderServerTest {

  private static ServiceConfig config(Map<String, String> env) throws Exception {
    Properties p = new Properties();
    try (InputStream in = OrderServerTest.class.getClassLoader().getResourceAsStream("order-rpc.properties")) {
      p.load(in);
    }
    return ServiceConfig.of(p, "SECKILL_ORDER", env);
  }

  @Test
  void theDeadlineIsFifteenMinutesUnlessTheEnvironmentSaysOtherwise() throws Exception {
    assertEquals(Duration.ofMinutes(15), OrderServer.paymentDeadline(config(Map.of())));
    assertEquals(SqlOrders.DEFAULT_PAYMENT_DEADLINE, OrderServer.paymentDeadline(config(Map.of())));
    assertEquals(Duration.ofSeconds(20),
        OrderServer.paymentDeadline(config(Map.of("SECKILL_ORDER_PAYMENT_DEADLINE", "PT20S"))));
  }

  @Test
  void aBadDeadlineFailsNamingTheKeyAndItsEnvVariable() throws Exception {
    for (String bad : new String[] {"15", "PT0S", "PT0.5S", "P8D", "soon"}) {
      ConfigException e = assertThrows(ConfigException.class,
          () -> OrderServer.paymentDeadline(config(Map.of("SECKILL_ORDER_PAYMENT_DEADLINE", bad))), bad);
      assertTrue(e.getMessage().contains("'order.payment-deadline'"), e.getMessage());
      assertTrue(e.getMessage().contains("SECKILL_ORDER_PAYMENT_DEADLINE"), e.getMessage());
    }
  }
}
