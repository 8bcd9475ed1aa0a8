-- Gives an admission's slots and its user's mark back, at most once per orderId: the ZREM from the
-- pending set is the gate, so a retry, a second API instance or a racing reconciler releases nothing.
-- KEYS: 1 sale hash, 2 users hash, 3 pending zset, 4 admission records, 5 admission states
-- ARGV: 1 orderId, 2 "drop" (the publish failed: forget the admission) or the final state to keep ("C")
-- Returns 1 when this call released, 0 when the order was not pending.
if redis.call('ZREM', KEYS[3], ARGV[1]) == 0 then
  return 0
end
local rec = redis.call('HGET', KEYS[4], ARGV[1])
if not rec then
  return 0
end
local user, q = string.match(rec, '^(%d+):(%d+):')
redis.call('HINCRBY', KEYS[1], 'left', tonumber(q))
if redis.call('HGET', KEYS[2], user) == ARGV[1] then
  redis.call('HDEL', KEYS[2], user)
end
if ARGV[2] == 'drop' then
  redis.call('HDEL', KEYS[4], ARGV[1])
  redis.call('HDEL', KEYS[5], ARGV[1])
else
  redis.call('HSET', KEYS[5], ARGV[1], ARGV[2])
end
return 1
