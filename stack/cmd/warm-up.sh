# shellcheck shell=bash
# ./seckill warm-up [--max-orders N]: runs orders through Kafka -> consumer -> DTM -> the four
# services, on products of their own (fresh ids, 20% with a coupon), in rounds of
# SECKILL_WARMUP_ROUND orders (2000), until the JIT compiler threads of the pipeline's JVMs used less
# than SECKILL_WARMUP_JIT_PERCENT (20) percent of those JVMs' CPU in the last round, or
# SECKILL_WARMUP_ORDERS (12000; 0 = no warm-up) orders ran. `up` runs it whenever it started one of
# the pipeline's Java services; `./seckill test` sets SECKILL_WARMUP_ORDERS=0.
# Why: a freshly started JVM of this pipeline spends about half of its CPU over its first ~10,000
# orders in the C2 compiler (~20 s of CPU per JVM), so the first burst of a sale would meet that.
# Compiling before the sale opens is what a warm-up is for (docs/load-and-bench.md has the figures).

# shellcheck source=stack/cmd/load.sh
source "${SECKILL_ROOT}/stack/cmd/load.sh"

: "${SECKILL_WARMUP_ORDERS:=12000}"
: "${SECKILL_WARMUP_ROUND:=2000}"
: "${SECKILL_WARMUP_JIT_PERCENT:=20}"
# The Java services of the Kafka -> DTM path (seckill-api is not on it): what the warm-up watches
# and what the bench's cold start restarts.
PIPELINE_JAVA_PARTS=(seckill-consumer order-rpc product-rpc coupon-rpc pay-rpc)

# warm_up_cpu: "<jit ticks> <all ticks>" summed over the running pipeline JVMs (clock ticks from /proc).
warm_up_cpu() {
  local part pid task jit=0 all=0 comm
  for part in "${PIPELINE_JAVA_PARTS[@]}"; do
    pid=$(running_pid "$part")
    [[ -n "$pid" && -r "/proc/${pid}/stat" ]] || continue
    all=$((all + $(awk '{print $14 + $15}' "/proc/${pid}/stat")))
    for task in /proc/"${pid}"/task/*; do
      comm=$(cat "${task}/comm" 2> /dev/null) || continue
      if [[ "$comm" == C1\ CompilerThre* || "$comm" == C2\ CompilerThre* ]]; then
        jit=$((jit + $(awk '{print $14 + $15}' "${task}/stat" 2> /dev/null || echo 0)))
      fi
    done
  done
  printf '%d %d\n' "$jit" "$all"
}

cmd_warm_up() {
  local max=$SECKILL_WARMUP_ORDERS round=$SECKILL_WARMUP_ROUND began=$SECONDS done=0 n jit0 all0 jit1 all1 pct rate
  while (($# > 0)); do
    case "$1" in
      --max-orders) (($# > 1)) || die "warm-up: --max-orders needs a value"; max=$2; shift 2 ;;
      -h | --help) echo "usage: ./seckill warm-up [--max-orders N] (default SECKILL_WARMUP_ORDERS=${SECKILL_WARMUP_ORDERS})"; return 0 ;;
      *) die "warm-up: unknown option '$1'" ;;
    esac
  done
  [[ "$max" =~ ^[0-9]+$ ]] || die "warm-up: SECKILL_WARMUP_ORDERS (--max-orders) must be a whole number, not '${max}'"
  [[ "$round" =~ ^[1-9][0-9]*$ ]] || die "warm-up: SECKILL_WARMUP_ROUND must be a whole number > 0, not '${round}'"
  [[ "$SECKILL_WARMUP_JIT_PERCENT" =~ ^[0-9]+$ ]] \
    || die "warm-up: SECKILL_WARMUP_JIT_PERCENT must be a whole number, not '${SECKILL_WARMUP_JIT_PERCENT}'"
  if ((max == 0)); then
    return 0
  fi
  load_build_if_needed
  load_env
  say "warm-up: rounds of ${round} orders through the pipeline (products of their own) until the JIT compilers use < ${SECKILL_WARMUP_JIT_PERCENT}% of its CPU (at most ${max} orders)"
  : > "${LOG_DIR}/warm-up.log"
  while ((done < max)); do
    n=$((max - done < round ? max - done : round))
    read -r jit0 all0 < <(warm_up_cpu)
    load_java io.seckill.load.LoadMain --mode kafka --count "$n" --products 100 \
      --stock-per-product "$((n + 100))" --coupon-share 0.2 --quiet --wait-seconds 60 \
      >> "${LOG_DIR}/warm-up.log" 2>&1 || { tail -n 5 "${LOG_DIR}/warm-up.log" >&2; die "warm-up failed (log: ${LOG_DIR}/warm-up.log)"; }
    read -r jit1 all1 < <(warm_up_cpu)
    done=$((done + n))
    pct=$(((jit1 - jit0) * 100 / (all1 - all0 > 0 ? all1 - all0 : 1)))
    rate=$(grep 'throughput' "${LOG_DIR}/warm-up.log" | tail -n 1 | awk '{print $2}')
    say "warm-up: ${done} orders, last round ${rate} confirmed/s with ${pct}% of the pipeline JVMs' CPU in the JIT"
    ((pct < SECKILL_WARMUP_JIT_PERCENT)) && break
  done
  say "warm-up done in $((SECONDS - began))s"
}

# warm_up_if_started PIDS-BEFORE...: warm up when a pipeline part's pid differs from before (started by this command).
warm_up_if_started() {
  local -A before=()
  local part pid
  for pid in "$@"; do before[${pid%%=*}]=${pid#*=}; done
  for part in "${PIPELINE_JAVA_PARTS[@]}"; do
    pid=$(running_pid "$part")
    if [[ -n "$pid" && "$pid" != "${before[$part]:-}" ]]; then
      cmd_warm_up
      return
    fi
  done
}
