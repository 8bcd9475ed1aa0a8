-- wrk script: POST /api/v1/seckill/orders with a fresh buyer on every request.
-- Product from env WRK_PRODUCT; user ids are unique across threads and runs (run salt from env WRK_SALT).
local product = os.getenv("WRK_PRODUCT") or "1"
local salt = tonumber(os.getenv("WRK_SALT") or "0")
local threads = {}
local counter = 0
local base = 0

function setup(thread)
  thread:set("tid", #threads)
  table.insert(threads, thread)
end

function init(args)
  -- 10^9 users per thread per run, runs apart by the salt.
  base = salt * 1000000000000 + (tid + 1) * 1000000000
  wrk.method = "POST"
  wrk.headers["Content-Type"] = "application/json"
end

function request()
  counter = counter + 1
  local body = '{"userId":' .. string.format("%d", base + counter) .. ',"productId":' .. product .. ',"quantity":1,"couponId":0}'
  return wrk.format(nil, "/api/v1/seckill/orders", nil, body)
end

function done(summary, latency, requests)
  io.write(string.format("wrk: %d requests in %.1f s = %.0f req/s; p50 %.1f ms, p90 %.1f ms, p99 %.1f ms, max %.1f ms; errors connect %d read %d write %d timeout %d status %d\n",
    summary.requests, summary.duration / 1e6, summary.requests / (summary.duration / 1e6),
    latency:percentile(50) / 1000, latency:percentile(90) / 1000, latency:percentile(99) / 1000, latency.max / 1000,
    summary.errors.connect, summary.errors.read, summary.errors.write, summary.errors.timeout, summary.errors.status))
end
