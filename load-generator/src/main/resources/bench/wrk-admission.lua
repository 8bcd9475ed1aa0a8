-- wrk script of the http-admission bench scenario (written out by io.seckill.load.bench.HttpAdmission).
-- Every request is POST /api/v1/seckill/orders for a buyer nobody used before on that product, so
-- the API's per-user rate limit and its one-order-per-buyer rule never answer instead of Redis.
-- Script args: productId, first user id, wrk's thread count (-t). Prints one JSON line at the end.
local threads = {}

function setup(thread)
  thread:set("tid", #threads)
  table.insert(threads, thread)
end

function init(args)
  product = args[1]
  userBase = tonumber(args[2])
  nthreads = tonumber(args[3])
  counter = 0
  headers = { ["Content-Type"] = "application/json" }
end

function request()
  counter = counter + 1
  local user = userBase + counter * nthreads + tid
  return wrk.format("POST", nil, headers,
    '{"userId":' .. user .. ',"productId":' .. product .. ',"quantity":1,"couponId":0}')
end

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format('{"requests":%d,"durationUs":%d,"non2xx":%d,"connectErrors":%d,"readErrors":%d,'
    .. '"writeErrors":%d,"timeouts":%d,"p50Us":%d,"p90Us":%d,"p99Us":%d,"maxUs":%d}\n',
    summary.requests, summary.duration, e.status, e.connect, e.read, e.write, e.timeout,
    latency:percentile(50), latency:percentile(90), latency:percentile(99), latency.max))
end
