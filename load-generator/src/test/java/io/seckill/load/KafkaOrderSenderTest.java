package io.seckill.load;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.seckill.auth.OrderSigning;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.junit.jupiter.api.Test;

/** The records the kafka mode sends: valid orders carry a signature the stack's keyring verifies. */
class KafkaOrderSenderTest {
  private static final OrderSigning RING = OrderSigning.parse("load-1 " + "L".repeat(43) + "\nold " + "O".repeat(43),
      "test keyring");

  private static String header(ProducerRecord<String, byte[]> r, String name) {
    Header h = r.headers().lastHeader(name);
    return h == null ? null : new String(h.value(), StandardCharsets.UTF_8);
  }

  /** The content read back from the record's JSON, as a consumer sees it (not from the Order). */
  private static OrderSigning.Content contentOf(byte[] value) throws Exception {
    JsonNode n = new ObjectMapper().readTree(value);
    return new OrderSigning.Content(n.get("orderId").asText(), n.get("userId").asLong(), n.get("productId").asLong(),
        n.get("quantity").asLong(), n.path("couponId").asLong(), n.get("amountCents").asLong(),
        n.path("requestedAt").asText(""));
  }

  @Test
  void aValidOrderIsSignedOverWhatItsJsonSays() throws Exception {
    Order o = new Order("Lrun1-7", 42, 1_000_003, 2, 55, 3400);
    // Millisecond precision, as a send time has: the JSON and the signature must use one string.
    Instant now = Instant.parse("2026-12-03T10:15:30.120Z");
    ProducerRecord<String, byte[]> r = KafkaOrderSender.record(o, now, RING);
    assertEquals(Endpoints.ORDER_TOPIC, r.topic());
    assertEquals("Lrun1-7", r.key());
    assertEquals("load-1", header(r, OrderSigning.KEY_ID_HEADER), "the ring's first key signs");
    OrderSigning.Content read = contentOf(r.value());
    assertEquals("2026-12-03T10:15:30.120Z", read.requestedAt());
    assertEquals(OrderSigning.Check.VALID,
        RING.verify(header(r, OrderSigning.KEY_ID_HEADER), header(r, OrderSigning.SIGNATURE_HEADER), read));
    OrderSigning.Content cheaper = new OrderSigning.Content(read.orderId(), read.userId(), read.productId(),
        read.quantity(), read.couponId(), 1, read.requestedAt());
    assertEquals(OrderSigning.Check.MISMATCH,
        RING.verify(header(r, OrderSigning.KEY_ID_HEADER), header(r, OrderSigning.SIGNATURE_HEADER), cheaper));
  }

  @Test
  void aBadMessageGoesUnsignedAndByteForByte() {
    byte[] value = "{not json".getBytes(StandardCharsets.UTF_8);
    ProducerRecord<String, byte[]> r = KafkaOrderSender.record(new BadMessage("Lrun1-bad-0", value,
        BadMessage.Kind.NOT_JSON), Instant.now(), RING);
    assertEquals(value, r.value());
    assertNull(header(r, OrderSigning.KEY_ID_HEADER));
    assertNull(header(r, OrderSigning.SIGNATURE_HEADER));
  }
}
