package io.seckill.verify;

import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.TopicPartitionInfo;

/** The consumer group's lag on the order topic: end offset minus committed offset, summed over partitions. */
public final class ConsumerLag implements AutoCloseable {
  private final Admin admin;
  private final String topic;
  private final String group;

  /** An admin client on the Kafka of {@code config}. */
  public ConsumerLag(VerifierConfig config) {
    Properties p = new Properties();
    p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, config.kafkaBootstrap());
    // A restarting broker should cost one slow reading, not hang the verifier.
    p.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 10_000);
    p.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 5_000);
    this.admin = Admin.create(p);
    this.topic = config.kafkaTopic();
    this.group = config.kafkaGroup();
  }

  /**
   * The lag. A partition the group has not committed on (or a group that never ran) counts from its
   * earliest offset, so an empty topic has lag 0 and unconsumed messages are never overlooked.
   */
  public long lag() throws Exception {
    Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(group)
        .partitionsToOffsetAndMetadata().get(15, TimeUnit.SECONDS);
    if (committed == null) {
      committed = Map.of();
    }
    Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
    Map<TopicPartition, OffsetSpec> earliest = new HashMap<>();
    for (TopicPartitionInfo info : admin.describeTopics(java.util.List.of(topic)).allTopicNames()
        .get(15, TimeUnit.SECONDS).get(topic).partitions()) {
      TopicPartition tp = new TopicPartition(topic, info.partition());
      latest.put(tp, OffsetSpec.latest());
      earliest.put(tp, OffsetSpec.earliest());
    }
    Map<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> ends = admin.listOffsets(latest).all()
        .get(15, TimeUnit.SECONDS);
    Map<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> starts = admin.listOffsets(earliest).all()
        .get(15, TimeUnit.SECONDS);
    long lag = 0;
    for (TopicPartition tp : latest.keySet()) {
      long end = ends.get(tp).offset();
      OffsetAndMetadata c = committed.get(tp);
      long from = c == null ? starts.get(tp).offset() : c.offset();
      lag += Math.max(0, end - from);
    }
    return lag;
  }

  @Override
  public void close() {
    admin.close(java.time.Duration.ofSeconds(2));
  }
}
