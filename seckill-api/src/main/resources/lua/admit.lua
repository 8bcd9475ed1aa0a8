-- One admission, atomically: sale open, per-user rate, one live admission per user, stock slots.
-- KEYS: 1 sale hash, 2 users hash (userId -> orderId), 3 pending zset (orderId by admit time),
--       4 admission records (orderId -> "userId:quantity:couponId:admittedAtMillis"),
--       5 admission states (orderId -> A admitted | Q queued in Kafka | F final | C cancelled),
--       6 the user's rate counter for this product
-- ARGV: 1 userId, 2 quantity, 3 couponId, 4 now millis, 5 rate limit (0 = none), 6 rate window ms,
--       7 productId, 8 the order id's random part (32 hex digits, from the API's SecureRandom)
-- Returns {"CLOSED"} | {"RATE_LIMITED"} | {"ALREADY", orderId} | {"SOLD_OUT", left}
--       | {"OK", orderId, left, priceCents}
local sale = redis.call('HMGET', KEYS[1], 'open', 'left', 'price', 'epoch')
if sale[1] ~= '1' then
  return {'CLOSED'}
end
local limit = tonumber(ARGV[5])
if limit > 0 then
  local n = redis.call('INCR', KEYS[6])
  if n == 1 then
    redis.call('PEXPIRE', KEYS[6], ARGV[6])
  end
  if n > limit then
    return {'RATE_LIMITED'}
  end
end
local held = redis.call('HGET', KEYS[2], ARGV[1])
if held then
  return {'ALREADY', held}
end
local q = tonumber(ARGV[2])
local left = tonumber(sale[2])
if left < q then
  return {'SOLD_OUT', tostring(left)}
end
left = redis.call('HINCRBY', KEYS[1], 'left', -q)
-- 128 random bits: an order id cannot be guessed from another (the status route answers only the
-- buyer's own orders, and this keeps ids from leaking how many orders a sale took).
local orderId = ARGV[7] .. '-' .. ARGV[8]
if redis.call('HEXISTS', KEYS[4], orderId) == 1 then
  return redis.error_reply('order id collision: ' .. orderId)
end
redis.call('HSET', KEYS[2], ARGV[1], orderId)
redis.call('ZADD', KEYS[3], ARGV[4], orderId)
redis.call('HSET', KEYS[4], orderId, ARGV[1] .. ':' .. ARGV[2] .. ':' .. ARGV[3] .. ':' .. ARGV[4])
redis.call('HSET', KEYS[5], orderId, 'A')
return {'OK', orderId, tostring(left), sale[3]}
