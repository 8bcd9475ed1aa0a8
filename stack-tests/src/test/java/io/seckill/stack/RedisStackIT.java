package io.seckill.stack;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.redisson.Redisson;
import org.redisson.api.RBucket;
import org.redisson.api.RedissonClient;
import org.redisson.api.redisnode.RedisNodes;
import org.redisson.client.codec.StringCodec;
import org.redisson.config.Config;

/** Redis answers through Redisson, the product's Redis client, and runs with a memory ceiling that never evicts. */
class RedisStackIT {

  private static RedissonClient redisson;

  @BeforeAll
  static void connect() {
    Config config = new Config();
    config.useSingleServer()
        .setAddress("redis://" + StackEnv.HOST + ":" + StackEnv.redisPort())
        .setConnectionMinimumIdleSize(1)
        .setConnectionPoolSize(2)
        .setConnectTimeout(3000);
    redisson = Redisson.create(config);
  }

  @AfterAll
  static void close() {
    redisson.shutdown();
  }

  @Test
  void answersPing() {
    assertTrue(redisson.getRedisNodes(RedisNodes.SINGLE).pingAll(), "PING got no PONG");
  }

  /**
   * The launcher starts Redis with --maxmemory (SECKILL_REDIS_MAXMEMORY) and noeviction: a full Redis
   * refuses writes instead of silently dropping an admission key (a buyer mark, a stock slot).
   */
  @Test
  void hasAMemoryCeilingAndNeverEvicts() {
    Map<String, String> config = redisson.getRedisNodes(RedisNodes.SINGLE).getInstance().getConfig("maxmemory*");
    long maxmemory = Long.parseLong(config.getOrDefault("maxmemory", "0"));
    assertTrue(maxmemory > 0, "Redis has no maxmemory (0 = unlimited): " + config);
    assertEquals("noeviction", config.get("maxmemory-policy"), "Redis may evict keys: " + config);
  }

  @Test
  void keepsAValue() {
    String key = "stack-test:" + UUID.randomUUID();
    RBucket<String> bucket = redisson.getBucket(key, StringCodec.INSTANCE);
    bucket.set("marker", Duration.ofMinutes(1));
    try {
      assertEquals("marker", redisson.<String>getBucket(key, StringCodec.INSTANCE).get());
    } finally {
      bucket.delete();
    }
  }
}
