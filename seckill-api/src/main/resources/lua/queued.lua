-- Records that Kafka acknowledged an admission's message: A -> Q, nothing else.
-- KEYS: 1 admission states. ARGV: 1 orderId. Returns 1 when it moved.
if redis.call('HGET', KEYS[1], ARGV[1]) == 'A' then
  redis.call('HSET', KEYS[1], ARGV[1], 'Q')
  return 1
end
return 0
