package io.seckill.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import io.seckill.auth.OrderSigning;
import io.seckill.proto.OrderMessage;
import io.seckill.proto.codec.Decoded;
import io.seckill.proto.codec.OrderCodec;
import io.seckill.runtime.tracing.Tracing;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;

/** What the API puts on the topic: the codec's bytes, keyed by the order id, signed over what they say. */
class KafkaOrderPublisherTest {
  private static final OrderSigning RING = OrderSigning.parse("api-1 " + "K".repeat(43), "test keyring");

  private static String header(ProducerRecord<byte[], byte[]> r, String name) {
    return new String(r.headers().lastHeader(name).value(), StandardCharsets.UTF_8);
  }

  @Test
  void anOrderIsWrittenAsTheCodecWritesItAndReadsBackSigned() throws Exception {
    MockProducer<byte[], byte[]> producer = new MockProducer<>(true, null, new ByteArraySerializer(),
        new ByteArraySerializer());
    OrderMessage order = OrderMessage.newBuilder().setOrderId("7-3f9c0a6e1b2d4c5e8f7a6b5c4d3e2f10").setUserId(42)
        .setProductId(7).setQuantity(1).setCouponId(0).setAmountCents(1700).setRequestedAt("2026-12-03T10:00:00.120Z")
        .build();
    try (KafkaOrderPublisher publisher = new KafkaOrderPublisher(producer, "seckill.orders", RING, Tracing.off())) {
      publisher.publish(order).get(5, TimeUnit.SECONDS);
    }
    ProducerRecord<byte[], byte[]> r = producer.history().get(0);
    assertEquals("seckill.orders", r.topic());
    assertEquals(order.getOrderId(), new String(r.key(), StandardCharsets.US_ASCII));
    assertEquals("{\"orderId\":\"7-3f9c0a6e1b2d4c5e8f7a6b5c4d3e2f10\",\"userId\":42,\"productId\":7,\"quantity\":1,"
        + "\"couponId\":0,\"amountCents\":1700,\"requestedAt\":\"2026-12-03T10:00:00.120Z\"}",
        new String(r.value(), StandardCharsets.UTF_8), "the wire format of docs/design.md, unchanged");
    Decoded.Valid read = assertInstanceOf(Decoded.Valid.class, new OrderCodec(8192, 10).decode(r.key(), r.value()));
    assertEquals(order, read.order());
    OrderSigning.Content asRead = new OrderSigning.Content(read.order().getOrderId(), read.order().getUserId(),
        read.order().getProductId(), read.order().getQuantity(), read.order().getCouponId(),
        read.order().getAmountCents(), read.requestedAtAsWritten());
    assertEquals(KafkaOrderPublisher.signedContent(order), asRead);
    assertEquals(OrderSigning.Check.VALID, RING.verify(header(r, OrderSigning.KEY_ID_HEADER),
        header(r, OrderSigning.SIGNATURE_HEADER), asRead));
  }
}
