-- Records that Kafka acknowledged admissions' messages: A -> Q, nothing else.
-- KEYS: 1 admission states (of one product). ARGV: the orderIds (one or many: acks come in batches).
-- Returns how many moved.
local moved = 0
for i = 1, #ARGV do
  if redis.call('HGET', KEYS[1], ARGV[i]) == 'A' then
    redis.call('HSET', KEYS[1], ARGV[i], 'Q')
    moved = moved + 1
  end
end
return moved
