-- Marks a pending admission final (its order is CONFIRMED): it keeps its slot and its user's mark.
-- KEYS: 1 pending zset, 2 admission states. ARGV: 1 orderId. Returns 1 the first time, else 0.
if redis.call('ZREM', KEYS[1], ARGV[1]) == 0 then
  return 0
end
redis.call('HSET', KEYS[2], ARGV[1], 'F')
return 1
