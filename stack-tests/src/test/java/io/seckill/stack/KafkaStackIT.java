package io.seckill.stack;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

/** The KRaft broker accepts a record and returns it, and `up` created the pipeline's topics. */
class KafkaStackIT {

  private static Properties common() {
    Properties p = new Properties();
    p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, StackEnv.kafkaBootstrap());
    return p;
  }

  @Test
  void recordRoundTripsThroughAFreshTopic() throws Exception {
    String topic = "stack-test-" + UUID.randomUUID();
    String key = "order-" + UUID.randomUUID();
    String value = "{\"orderId\":\"" + key + "\"}";
    try (Admin admin = Admin.create(common())) {
      admin.createTopics(List.of(new NewTopic(topic, 1, (short) 1))).all().get(30, TimeUnit.SECONDS);
      try {
        Properties pp = common();
        pp.put(ProducerConfig.ACKS_CONFIG, "all");
        pp.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        pp.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        RecordMetadata written;
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(pp)) {
          written = producer.send(new ProducerRecord<>(topic, key, value)).get(30, TimeUnit.SECONDS);
        }

        Properties cp = common();
        cp.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        cp.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        cp.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(cp)) {
          TopicPartition tp = new TopicPartition(topic, written.partition());
          consumer.assign(List.of(tp));
          consumer.seek(tp, written.offset());
          ConsumerRecord<String, String> read = null;
          long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
          while (read == null && System.nanoTime() < deadline) {
            for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(500))) {
              read = r;
              break;
            }
          }
          assertTrue(read != null, "no record came back from " + topic);
          assertEquals(key, read.key());
          assertEquals(value, read.value());
          assertEquals(written.offset(), read.offset());
        }
      } finally {
        admin.deleteTopics(List.of(topic)).all().get(30, TimeUnit.SECONDS);
      }
    }
  }

  @Test
  void pipelineTopicsExist() throws Exception {
    try (Admin admin = Admin.create(common())) {
      Map<String, TopicDescription> topics = admin.describeTopics(List.of("seckill.orders", "seckill.orders.dlq"))
          .allTopicNames().get(30, TimeUnit.SECONDS);
      assertEquals(6, topics.get("seckill.orders").partitions().size());
      assertEquals(1, topics.get("seckill.orders.dlq").partitions().size());
    }
  }
}
