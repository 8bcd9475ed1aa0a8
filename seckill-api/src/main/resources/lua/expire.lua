-- Gives an expired order's slots and its user's mark back, once per orderId: only an admission in
-- state F (its order was CONFIRMED) moves, to E; anything else (already E, never admitted through
-- Redis, still pending: the reconciler releases those) changes nothing.
-- KEYS: 1 sale hash, 2 users hash, 3 admission records, 4 admission states. ARGV: 1 orderId.
-- Returns 1 when this call released, else 0.
if redis.call('HGET', KEYS[4], ARGV[1]) ~= 'F' then
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
