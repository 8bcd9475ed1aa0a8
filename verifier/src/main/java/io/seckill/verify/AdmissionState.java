package io.seckill.verify;

import io.seckill.verify.Snapshot.Admission;
import io.seckill.verify.Snapshot.Sale;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.redisson.Redisson;
import org.redisson.api.RedissonClient;
import org.redisson.client.codec.StringCodec;
import org.redisson.config.Config;

/**
 * The API's admission state in Redis (key layout of seckill-api's AdmissionStore): for product p,
 * {@code seckill:sale:{p}} (open, left, initial, ...), {@code seckill:users:{p}} (userId -> orderId),
 * {@code seckill:pending:{p}} (zset), {@code seckill:adm:{p}} (orderId -> user:qty:coupon:millis),
 * {@code seckill:state:{p}} (orderId -> A|Q|F|C), and the set {@code seckill:sales}.
 */
public final class AdmissionState implements AutoCloseable {
  private final RedissonClient redis;

  /** Connects to the Redis of {@code config}. */
  public AdmissionState(VerifierConfig config) {
    Config c = new Config();
    c.useSingleServer().setAddress(config.redisAddress())
        .setPassword(config.redisPassword().isEmpty() ? null : config.redisPassword())
        .setConnectionMinimumIdleSize(1).setConnectionPoolSize(4).setTimeout(5000).setRetryAttempts(2);
    this.redis = Redisson.create(c);
  }

  /** Every sale of the range, with its admissions. */
  public List<Sale> sales(ProductRange range) {
    TreeSet<Long> ids = new TreeSet<>();
    for (Object o : redis.getSet("seckill:sales", StringCodec.INSTANCE).readAll()) {
      long id = Long.parseLong(o.toString());
      if (range.contains(id)) {
        ids.add(id);
      }
    }
    List<Sale> out = new ArrayList<>();
    for (long p : ids) {
      String tag = "{" + p + "}";
      Map<Object, Object> sale = redis.getMap("seckill:sale:" + tag, StringCodec.INSTANCE).readAllMap();
      if (sale.isEmpty()) {
        continue;
      }
      Map<Long, String> marks = new HashMap<>();
      redis.getMap("seckill:users:" + tag, StringCodec.INSTANCE).readAllMap()
          .forEach((k, v) -> marks.put(Long.parseLong(k.toString()), v.toString()));
      Map<Object, Object> states = redis.getMap("seckill:state:" + tag, StringCodec.INSTANCE).readAllMap();
      List<Admission> admissions = new ArrayList<>();
      redis.getMap("seckill:adm:" + tag, StringCodec.INSTANCE).readAllMap().forEach((k, v) -> {
        String[] f = v.toString().split(":");
        Object st = states.get(k);
        admissions.add(new Admission(k.toString(), p, Long.parseLong(f[0]), Integer.parseInt(f[1]),
            Long.parseLong(f[2]), st == null ? '?' : st.toString().charAt(0)));
      });
      long pending = redis.getScoredSortedSet("seckill:pending:" + tag, StringCodec.INSTANCE).size();
      out.add(new Sale(p, "1".equals(sale.get("open")), num(sale.get("left")), num(sale.get("initial")),
          num(sale.get("loadedLeft")), marks, pending, admissions));
    }
    return out;
  }

  private static long num(Object v) {
    return v == null ? -1 : Long.parseLong(v.toString());
  }

  @Override
  public void close() {
    redis.shutdown();
  }
}
