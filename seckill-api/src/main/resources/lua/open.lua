-- Opens (or re-opens) a sale with the slots and price the product database gave.
-- KEYS: 1 sale hash, 2 set of products that ever had a sale (the reconciler walks it)
-- ARGV: 1 productId, 2 slots left, 3 price cents, 4 epoch, 5 initial stock, 6 now millis
redis.call('HSET', KEYS[1], 'left', ARGV[2], 'price', ARGV[3], 'epoch', ARGV[4],
  'initial', ARGV[5], 'loadedAt', ARGV[6], 'open', '1')
redis.call('SADD', KEYS[2], ARGV[1])
return 1
