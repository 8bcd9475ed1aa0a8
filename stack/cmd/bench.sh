# shellcheck shell=bash
# ./seckill bench [--quick] [--scenario NAME]...: the throughput benchmark. For each scenario (all of
# them by default; --quick runs only "ample", smaller) it runs the load generator as fast as possible
# at least three times (median confirmed orders/s), once paced at half that rate (latency), samples
# CPU and RSS of every process in .stack/run/*.pid, and runs the direct-JDBC baseline. Scenarios
# that need DTM on Redis restart DTM with SECKILL_DTM_STORE=redis and put it back afterwards.
# Writes bench/results/<date>-<scenario>.json and bench/results/<date>-report.html.

# shellcheck source=stack/cmd/load.sh
source "${SECKILL_ROOT}/stack/cmd/load.sh"

BENCH_SCENARIOS=(ample ample-coupons hot ample-redis)

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

# bench_scenario_store NAME: the DTM storage a scenario needs.
bench_scenario_store() {
  [[ "$1" == *-redis ]] && printf redis || printf mysql
}

cmd_bench() {
  local quick=0 scenarios=() extra=() arg s began=$SECONDS original_store=$SECKILL_DTM_STORE
  while (($# > 0)); do
    arg=$1; shift
    case "$arg" in
      --quick) quick=1 ;;
      --scenario) (($# > 0)) || die "bench: --scenario needs a name"; scenarios+=("$1"); shift ;;
      --scenario=*) scenarios+=("${arg#--scenario=}") ;;
      --runs | --count | --baseline-workers) (($# > 0)) || die "bench: $arg needs a value"; extra+=("$arg" "$1"); shift ;;
      -h | --help)
        echo "usage: ./seckill bench [--quick] [--scenario NAME]... [--runs N] [--count N] [--baseline-workers N]"
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
  local out="${SECKILL_ROOT}/bench/results" stamp files=() before
  mkdir -p "$out"
  stamp=$(date -u +%Y-%m-%d-%H%M)
  before=$(mktemp)
  for s in "${scenarios[@]}"; do
    bench_dtm_store "$(bench_scenario_store "$s")"
    touch "$before"
    load_java io.seckill.load.bench.BenchMain --scenario "$s" --out "$out" --run-dir "$RUN_DIR" \
      --sql-dir "${SECKILL_ROOT}/sql" "${extra[@]}" || { rm -f "$before"; bench_dtm_store "$original_store"; die "bench: scenario $s failed"; }
    files+=("$(find "$out" -maxdepth 1 -name "*-${s}.json" -newer "$before" -print | sort | tail -n 1)")
  done
  rm -f "$before"
  bench_dtm_store "$original_store"
  load_java io.seckill.load.bench.HtmlReport --out "${out}/${stamp}-report.html" \
    --template "${SECKILL_ROOT}/bench/report-template.html" "${files[@]}"
  say "bench finished in $((SECONDS - began))s: ${files[*]} ${out}/${stamp}-report.html"
}
