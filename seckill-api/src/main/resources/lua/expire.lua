-- Gives an expired order's slots and its user's mark back, once per orderId, and keeps the
-- admission as E. The expiry saga calls it only after the order row is EXPIRED, so an admission
-- the reconciler has not settled yet (A or Q, still in the pending set) is released here too,
-- through the same pending-set gate as release.lua: a reconciler that read CONFIRMED just before
-- the expiry then finalizes nothing, and no slot is lost between the two. Anything else (already
-- E, C, or never admitted through Redis, e.g. an order fed straight to Kafka) changes nothing.
-- KEYS: 1 sale hash, 2 users hash, 3 admission records, 4 admission states, 5 pending zset.
-- ARGV: 1 orderId. Returns 1 when this call released, else 0.
if redis.call('HGET', KEYS[4], ARGV[1]) ~= 'F' and redis.call('ZREM', KEYS[5], ARGV[1]) == 0 then
  return 0
end
local rec = redis.call('HGET', KEYS[3], ARGV[1])
if not rec then
  return 0
end
local user, q = string.match(rec, '^(%d+):(%d+):')
redis.call('HINCRBY', KEYS[1], 'left', tonumber(q))
if redis.call('HGET', KEYS[2], user) == ARGV[1] then
  redis.call('HDEL', KEYS[2], user)
end
redis.call('HSET', KEYS[4], ARGV[1], 'E')
return 1
