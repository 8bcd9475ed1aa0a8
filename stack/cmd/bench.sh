# shellcheck shell=bash
# ./seckill bench [--quick] [--scenario NAME]...: the throughput benchmark. For each scenario (all of
# them by default; --quick runs only "ample", smaller) it runs the load generator as fast as possible
# at least three times (median confirmed orders/s), once paced at half that rate (latency), samples
# CPU and RSS of every process in .stack/run/*.pid, runs the direct-JDBC baseline and measures DTM's
# ceiling (no-op branches in the bench process; once per DTM storage and invocation, shared through
# a file). Scenarios run on DTM's default Redis storage; ample-mysql restarts DTM with
# SECKILL_DTM_STORE=mysql, and the original storage is put back afterwards. flash-sale restarts the
# pipeline's Java services before each run as `up` starts them (with its warm-up; SECKILL_WARMUP_ORDERS=0
# for a raw cold start);
# http-admission restarts seckill-api on a topic of its own (wrk, redis-benchmark) and puts it back.
# Writes bench/results/<date>-<scenario>.json and bench/results/<date>-report.html.

# shellcheck source=stack/cmd/load.sh
source "${SECKILL_ROOT}/stack/cmd/load.sh"
# shellcheck source=stack/cmd/warm-up.sh
source "${SECKILL_ROOT}/stack/cmd/warm-up.sh"

BENCH_SCENARIOS=(ample ample-lifecycle ample-coupons hot flash-sale http-admission ample-mysql)
# The topic seckill-api publishes to during http-admission: no consumer reads it (deleted afterwards).
BENCH_ADMISSION_TOPIC=seckill.bench.admission

# bench_dtm_store STORE: make DTM run on STORE (mysql | redis), restarting it only when it differs.
bench_dtm_store() {
  local want=$1
  if [[ "$SECKILL_DTM_STORE" == "$want" && -n "$(running_pid dtm)" ]]; then
    return 0
  fi
  say "restarting DTM with SECKILL_DTM_STORE=${want}"
  SECKILL_DTM_STORE=$want
  export SECKILL_DTM_STORE
  cmd_restart dtm
}

# bench_cold_restart: restart the pipeline's Java services through the launcher, then the warm-up
# that `up` runs after starting them (SECKILL_WARMUP_ORDERS=0: none, a raw cold start).
bench_cold_restart() {
  local part
  for part in "${PIPELINE_JAVA_PARTS[@]}"; do
    cmd_restart "$part"
  done
  cmd_warm_up
}

# bench_admission_tools: wrk and redis-benchmark/redis-cli, installed from Debian when missing.
bench_admission_tools() {
  local missing=()
  command -v wrk > /dev/null || missing+=(wrk)
  if ! command -v redis-benchmark > /dev/null || ! command -v redis-cli > /dev/null; then
    missing+=(redis-tools)
  fi
  ((${#missing[@]} == 0)) || apt_install "${missing[@]}"
}

# bench_api_mode bench|normal: seckill-api on the bench's own topic with its reconciler off (no
# admitted order of http-admission enters the pipeline), or back to its normal configuration.
bench_api_mode() {
  if [[ "$1" == bench ]]; then
    say "restarting seckill-api on topic ${BENCH_ADMISSION_TOPIC}, reconciler off (http-admission)"
    export SECKILL_API_KAFKA_TOPIC=$BENCH_ADMISSION_TOPIC SECKILL_API_RECONCILE_INTERVAL_MS=0
  else
    say "restarting seckill-api in its normal configuration"
    unset SECKILL_API_KAFKA_TOPIC SECKILL_API_RECONCILE_INTERVAL_MS
  fi
  cmd_restart seckill-api
}

# bench_scenario_store NAME: the DTM storage a scenario needs (Redis, the default, unless its name ends in -mysql).
bench_scenario_store() {
  [[ "$1" == *-mysql ]] && printf mysql || printf redis
}

cmd_bench() {
  local quick=0 scenarios=() extra=() arg s began=$SECONDS original_store=$SECKILL_DTM_STORE
  while (($# > 0)); do
    arg=$1; shift
    case "$arg" in
      --quick) quick=1 ;;
      --scenario) (($# > 0)) || die "bench: --scenario needs a name"; scenarios+=("$1"); shift ;;
      --scenario=*) scenarios+=("${arg#--scenario=}") ;;
      --no-ceiling) extra+=(--no-ceiling) ;;
      --runs | --count | --baseline-workers) (($# > 0)) || die "bench: $arg needs a value"; extra+=("$arg" "$1"); shift ;;
      -h | --help)
        echo "usage: ./seckill bench [--quick] [--scenario NAME]... [--runs N] [--count N] [--baseline-workers N] [--no-ceiling]"
        echo "  scenarios: ${BENCH_SCENARIOS[*]}"
        return 0 ;;
      *) die "bench: unknown option '$arg'" ;;
    esac
  done
  if ((${#scenarios[@]} == 0)); then
    if ((quick == 1)); then scenarios=(ample); else scenarios=("${BENCH_SCENARIOS[@]}"); fi
  fi
  for s in "${scenarios[@]}"; do
    [[ " ${BENCH_SCENARIOS[*]} " == *" $s "* ]] || die "bench: unknown scenario '$s' (known: ${BENCH_SCENARIOS[*]})"
  done
  ((quick == 1)) && extra+=(--quick)

  cmd_up
  load_build_if_needed
  load_env
  local out="${SECKILL_ROOT}/bench/results" stamp files=() before ceilings ample_json="" file args restart_cmd part
  mkdir -p "$out"
  stamp=$(date -u +%Y-%m-%d-%H%M)
  before=$(mktemp)
  # DTM's ceiling is measured once per storage in this invocation and shared by its scenarios.
  ceilings=$(mktemp -d)
  restart_cmd=""
  for part in "${PIPELINE_JAVA_PARTS[@]}"; do
    restart_cmd+="'${SECKILL_ROOT}/seckill' restart ${part} && "
  done
  restart_cmd+="'${SECKILL_ROOT}/seckill' warm-up"
  for s in "${scenarios[@]}"; do
    bench_dtm_store "$(bench_scenario_store "$s")"
    args=(--scenario "$s" --out "$out" --run-dir "$RUN_DIR" --sql-dir "${SECKILL_ROOT}/sql"
      --work-dir "${STACK_DIR}/bench" --ceiling-cache "${ceilings}/${SECKILL_DTM_STORE}.json")
    case "$s" in
      ample-lifecycle)
        if [[ -n "$ample_json" ]]; then args+=(--ample-json "$ample_json"); fi ;;
      flash-sale)
        if [[ -n "$ample_json" ]]; then args+=(--ample-json "$ample_json"); fi
        args+=(--restart-cmd "$restart_cmd")
        say "flash-sale: cold start of ${PIPELINE_JAVA_PARTS[*]}"
        bench_cold_restart ;;
      http-admission)
        bench_admission_tools
        bench_api_mode bench ;;
    esac
    touch "$before"
    if ! load_java io.seckill.load.bench.BenchMain "${args[@]}" "${extra[@]}"; then
      rm -rf "$before" "$ceilings"
      if [[ "$s" == http-admission ]]; then bench_api_mode normal; fi
      bench_dtm_store "$original_store"
      die "bench: scenario $s failed"
    fi
    if [[ "$s" == http-admission ]]; then bench_api_mode normal; fi
    file=$(find "$out" -maxdepth 1 -name "*-${s}.json" -newer "$before" -print | sort | tail -n 1)
    files+=("$file")
    if [[ "$s" == ample ]]; then ample_json=$file; fi
  done
  rm -rf "$ceilings"
  rm -f "$before"
  bench_dtm_store "$original_store"
  load_java io.seckill.load.bench.HtmlReport --out "${out}/${stamp}-report.html" \
    --template "${SECKILL_ROOT}/bench/report-template.html" "${files[@]}"
  say "bench finished in $((SECONDS - began))s: ${files[*]} ${out}/${stamp}-report.html"
}
