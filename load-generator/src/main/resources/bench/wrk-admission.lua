-- wrk script of the http-admission bench scenario (written out by io.seckill.load.bench.HttpAdmission).
-- Every request is POST /api/v1/seckill/orders for a buyer nobody used before on that product, so
-- the API's per-buyer rate limit and its one-order-per-buyer rule never answer instead of Redis.
-- The buyer is the bearer token's subject: Lua cannot sign a JWT, so each thread reads tokens
-- minted before the run (io.seckill.load.bench.TokenPool), one line per request, from its own file
-- <prefix><thread>.txt; at the end of the file it starts over (those buyers then already bought,
-- so the run's non-2xx shows it, and "tokenWraps" counts it).
-- Script args: productId, token file prefix, wrk's thread count (-t). Prints one JSON line at the end.
local threads = {}

function setup(thread)
  thread:set("tid", #threads)
  table.insert(threads, thread)
end

function init(args)
  product = args[1]
  local prefix = args[2]
  nthreads = tonumber(args[3])
  local name = prefix .. tid .. ".txt"
  tokens = io.open(name, "r")
  if tokens == nil then
    error("wrk-admission.lua: no token file " .. name)
  end
  wraps = 0
  headers = { ["Content-Type"] = "application/json" }
  body = '{"productId":' .. product .. ',"quantity":1,"couponId":0}'
end

function request()
  local token = tokens:read("*l")
  if token == nil then
    wraps = wraps + 1
    tokens:seek("set")
    token = tokens:read("*l")
  end
  headers["Authorization"] = "Bearer " .. token
  return wrk.format("POST", nil, headers, body)
end

function done(summary, latency, requests)
  local e = summary.errors
  local wrapped = 0
  for _, thread in ipairs(threads) do
    wrapped = wrapped + (thread:get("wraps") or 0)
  end
  io.write(string.format('{"requests":%d,"durationUs":%d,"non2xx":%d,"connectErrors":%d,"readErrors":%d,'
    .. '"writeErrors":%d,"timeouts":%d,"p50Us":%d,"p90Us":%d,"p99Us":%d,"maxUs":%d,"tokenWraps":%d}\n',
    summary.requests, summary.duration, e.status, e.connect, e.read, e.write, e.timeout,
    latency:percentile(50), latency:percentile(90), latency:percentile(99), latency.max, wrapped))
end
