#!/usr/bin/env bash
# HTTP admission through the running seckill-api (wrk, fresh buyer per request) against the same
# admit.lua run by redis-benchmark (EVALSHA, same keys and args) on the same Redis.
#
# Usage (from the repo root, stack up, inside the stack lock):
#   flock -o /tmp/seckill-stack.lock seckill-api/bench/http-vs-redis.sh [seconds=15] [connections=64]
# (-o, and the restarts below close fds 3-9: a daemon started with the lock's descriptor would hold
# the lock for as long as it runs.)
#
# For the run it restarts seckill-api with its orders going to topic seckill.api.bench (no consumer
# reads it, so the pipeline is not flooded) and the reconciler off, inserts a bench product
# (id >= 3,950,000) with 10,000,000 units into seckill_product, opens its sale through the admin
# listener (port SECKILL_ADMIN_PORT, 8081, with the stack's operator token), runs wrk (2 x 10 s
# warm-up: the JIT is still busy after 10 s, then the measured run), then redis-benchmark; afterwards it
# restarts seckill-api with its normal settings and removes the product's row and Redis keys.
# Buyers prove themselves with bearer tokens, which wrk's Lua cannot sign: before the runs the load
# generator's TokenPool mints one token per request (distinct buyers per run, as the API allows one
# live order per buyer and product) with the stack's secret, and the load generator's
# wrk-admission.lua sends them (needs load-generator/target, e.g. ./seckill load --help builds it).
# SECKILL_API_* variables in the environment apply to the measured API only (e.g. to try a setting).
set -euo pipefail
for fd in 3 4 5 6 7 8 9; do eval "exec ${fd}>&-"; done
cd "$(dirname "$0")/../.."
SECS=${1:-15}
CONNS=${2:-64}
REDIS_PORT=${SECKILL_REDIS_PORT:-6379}
API=http://127.0.0.1:${SECKILL_API_PORT:-8080}
ADMIN=http://127.0.0.1:${SECKILL_ADMIN_PORT:-8081}
ADMIN_TOKEN_FILE=${SECKILL_ADMIN_TOKEN_FILE:-${SECKILL_STACK_DIR:-.stack}/secrets/admin.token}
WRK_SCRIPT=load-generator/src/main/resources/bench/wrk-admission.lua
LOAD_CP="load-generator/target/load-generator.jar:load-generator/target/lib/*"
# Tokens per second of a wrk run: above any admission rate of this machine, so buyers stay fresh.
TOKENS_PER_SECOND=6000
DB=(mysql -h127.0.0.1 -P"${SECKILL_DB_PORT:-3306}" -u"${SECKILL_DB_USER:-seckill}" -p"${SECKILL_DB_PASSWORD:-seckill}" seckill_product)
P=$((3950000 + (RANDOM * 32768 + RANDOM) % 1000000))
STOCK=10000000
BENCH_TOPIC=seckill.api.bench
KAFKA_LIBS=${SECKILL_TOOLS_DIR:-$HOME/.cache/seckill/tools}/kafka-4.3.1/libs

[[ -f load-generator/target/load-generator.jar ]] || { echo "build the load generator first (./seckill load --help)" >&2; exit 1; }

cleanup() {
  # shellcheck disable=SC2046
  env $(env | grep -o '^SECKILL_API_[A-Z0-9_]*' | sed 's/^/-u /') ./seckill restart seckill-api >/dev/null || echo "restart of seckill-api with its normal settings FAILED" >&2
  redis-cli -p "$REDIS_PORT" --scan --pattern "seckill:*{$P}*" | xargs -r -n 500 redis-cli -p "$REDIS_PORT" del >/dev/null
  redis-cli -p "$REDIS_PORT" srem seckill:sales "$P" >/dev/null
  "${DB[@]}" -e "DELETE FROM product WHERE id = $P" 2>/dev/null
  rm -rf "$TOKENS"
}
TOKENS=$(mktemp -d)
trap cleanup EXIT

# tokens SALT SECONDS: the token files of one wrk run (2 threads), buyers SALT * 10^12 upwards.
tokens() {
  java -Xmx256m -cp "$LOAD_CP" io.seckill.load.bench.TokenPool "$TOKENS/run$1-" 2 $(($2 * TOKENS_PER_SECOND / 2)) \
    $(($1 * 1000000000000)) || return 1
  printf '%s' "$TOKENS/run$1-"
}
# admit TOKENS SECONDS [wrk options]: one wrk run on product $P, buyers from the TOKENS files.
admit() {
  local prefix=$1 secs=$2
  shift 2
  wrk -t2 -c"$CONNS" -d"${secs}s" "$@" -s "$WRK_SCRIPT" "$API/api/v1/seckill/orders" -- "$P" "$prefix" 2
}
# Minted before any run, so no run (nor the optional profile) includes the minting.
WARM1=$(tokens 1 10)
WARM3=$(tokens 3 10)
MEASURED=$(tokens 2 "$SECS")

java -cp "${KAFKA_LIBS}/*:.stack/classes" EnsureTopics 127.0.0.1:${SECKILL_KAFKA_PORT:-9092} "${BENCH_TOPIC}:6" >/dev/null 2>&1
"${DB[@]}" -e "INSERT INTO product (id, name, price_cents, initial_stock, available) VALUES ($P, 'http bench', 1000, $STOCK, $STOCK)" 2>/dev/null
SECKILL_API_KAFKA_TOPIC=$BENCH_TOPIC SECKILL_API_RECONCILE_INTERVAL_MS=0 ./seckill restart seckill-api >/dev/null
curl -sf -XPOST -H "Authorization: Bearer $(cat "$ADMIN_TOKEN_FILE")" "$ADMIN/api/v1/admin/sales/$P/open" >/dev/null

# /metrics is on the admin listener (no token needed there).
admitted() { curl -s "$ADMIN/metrics" | awk '/^seckill_api_admissions_total\{outcome="admitted"\}/ {printf "%d", $2}'; }
echo "product $P, stock $STOCK, $CONNS connections, $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg)"
for warm in "$WARM1" "$WARM3"; do admit "$warm" 10 >/dev/null; done
before=$(admitted)
if [[ -n "${JFR_OUT:-}" ]]; then
  # Optional profile of the measured run: JFR_OUT=/tmp/api.jfr
  jcmd "$(cat .stack/run/seckill-api.pid)" JFR.start duration="$((SECS - 2))s" filename="$JFR_OUT" settings=profile >/dev/null
  (sleep $((SECS / 2)); top -b -n1 -w 200 | head -25 > "${JFR_OUT%.jfr}.top") &
fi
admit "$MEASURED" "$SECS" --latency | tee /tmp/wrk-admit.out | grep -E '^\{|Requests/sec|Non-2xx|Socket errors' || true
after=$(admitted)
echo "http: admitted (202) during the run: $((after - before)) = $(( (after - before) / SECS ))/s"

SHA=$(redis-cli -p "$REDIS_PORT" script load "$(cat seckill-api/src/main/resources/lua/admit.lua)")
N=$((SECS * 30000))
redis-benchmark -p "$REDIS_PORT" -c "$CONNS" -n "$N" -r 1000000000 -q \
  EVALSHA "$SHA" 6 "seckill:sale:{$P}" "seckill:users:{$P}" "seckill:pending:{$P}" "seckill:adm:{$P}" \
  "seckill:state:{$P}" "seckill:rate:{$P}:__rand_int__" __rand_int__ 1 0 "$(date +%s%3N)" 10 1000 "$P" \
  | tr '\r' '\n' | grep -v '^$' | tail -1
echo "left after both runs: $(redis-cli -p "$REDIS_PORT" hget "seckill:sale:{$P}" left)"
