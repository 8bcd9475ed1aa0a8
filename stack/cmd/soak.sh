# shellcheck shell=bash
# ./seckill soak [--minutes N] [--rate R] [--products K] [--fault-every-min M] [--fault-kind kill|restart]:
# a steady sale through the API for N minutes (default 30) on products 8000001.. at R orders/s (default:
# half the confirmed rate of the newest bench/results/*-ample.json, else 100), with a fault every M
# minutes (default 5; 0 = none): one part of a fixed rotation (SECKILL_SOAK_FAULT_PARTS, default
# order-rpc seckill-api product-rpc dtm coupon-rpc seckill-consumer pay-rpc) is killed (SIGKILL, then
# started again; --fault-kind restart: ./seckill restart) and waited for until healthy. Every
# SECKILL_SOAK_SAMPLE_S (30) seconds the RSS, threads and open descriptors of every part, the size of
# .stack/data and .stack/logs, Redis's memory and keys, and the barrier and DTM rows are written to
# .stack/soak-<time>.tsv, with a fault:<part> line at each fault and recovered:<part> (seconds) once
# the part answers again. At the end io.seckill.load.bench.SoakReport prints the table (first, middle,
# last sample, growth over the second half, verdict), writes .stack/soak-<time>.html (a chart per
# figure group, the faults marked) and decides: it fails when a JVM's RSS passes 3 GB, when a part's
# RSS, threads or descriptors grew by more than SECKILL_SOAK_MAX_GROWTH_PCT (20) percent over the
# second half (a leak keeps growing once warm; a cache fills in the first half; MariaDB, Redis and
# Kafka are data stores that grow with what they keep, so their growth is reported per order, with
# the orders left before Redis's maxmemory), when a log passed its cap, when a part was down at a
# sample other than while it restarted after its fault, when a faulted part never came back, or when
# verify finds a violation. A restarted part drops and regrows: it is judged only over the samples
# after its last restart (their middle against the last), and only when that restart came at or
# before the run's middle sample; a part restarted in the second half is not judged on growth (its
# lines are still drawn and its RSS still held to 3 GB). Buyers whose request fails while the API
# restarts are expected; every accepted order must still end final and verify must pass.
# Sourced by ./seckill with every helper of stack/lib available.

# shellcheck source=stack/cmd/load.sh
source "${SECKILL_ROOT}/stack/cmd/load.sh"
# shellcheck source=stack/cmd/verify.sh
source "${SECKILL_ROOT}/stack/cmd/verify.sh"

# soak_sample FILE ELAPSED: one line per figure: elapsed, name, value.
soak_sample() {
  local file=$1 t=$2 part pid rss threads fds
  for part in $(all_parts); do
    pid=$(running_pid "$part")
    [[ -n "$pid" ]] || { printf '%s\t%s\t%s\n' "$t" "down:${part}" 1 >> "$file"; continue; }
    read -r rss threads < <(awk '/^VmRSS:/ { r = $2 * 1024 } /^Threads:/ { n = $2 } END { print r + 0, n + 0 }' \
      "/proc/${pid}/status" 2>/dev/null || echo "0 0") || true
    # A part can go away between the pid and the reads (a fault): that is a part down, and a failed
    # read must not end the sampler.
    [[ "${rss:-0}" != 0 ]] || { printf '%s\t%s\t%s\n' "$t" "down:${part}" 1 >> "$file"; continue; }
    fds=$(find "/proc/${pid}/fd" -mindepth 1 -maxdepth 1 2>/dev/null | wc -l) || fds=0
    printf '%s\t%s\t%s\n%s\t%s\t%s\n%s\t%s\t%s\n' "$t" "rss:${part}" "$rss" "$t" "threads:${part}" "${threads:-0}" \
      "$t" "fds:${part}" "$fds" >> "$file"
  done
  printf '%s\t%s\t%s\n' "$t" "disk:data" "$(du -sb "$DATA_DIR" 2>/dev/null | cut -f1)" >> "$file"
  printf '%s\t%s\t%s\n' "$t" "disk:logs" "$(du -sb "$LOG_DIR" 2>/dev/null | cut -f1)" >> "$file"
  printf '%s\t%s\t%s\n' "$t" "log:largest" \
    "$(find "$LOG_DIR" -maxdepth 1 -name '*.log' -printf '%s\n' 2>/dev/null | sort -n | tail -1)" >> "$file"
  printf '%s\t%s\t%s\n' "$t" "redis:used_memory" "$(soak_redis_info used_memory)" >> "$file"
  printf '%s\t%s\t%s\n' "$t" "redis:keys" "$(soak_redis_dbsize)" >> "$file"
  local schema
  for schema in seckill_order seckill_product seckill_coupon seckill_pay; do
    printf '%s\t%s\t%s\n' "$t" "barrier:${schema}" "$(soak_sql "SELECT COUNT(*) FROM ${schema}.barrier")" >> "$file"
  done
  printf '%s\t%s\t%s\n' "$t" "dtm:mysql_rows" "$(soak_sql "SELECT COUNT(*) FROM dtm.trans_global")" >> "$file"
}

soak_sql() { owner_sql -e "$1" 2>/dev/null || echo -1; }

# soak_redis_info FIELD: one field of INFO (a bulk reply read whole over a plain socket).
soak_redis_info() {
  timeout 3 bash -c '
    exec 3<>"/dev/tcp/127.0.0.1/$1" || exit 1
    printf "INFO memory\r\n" >&3
    while IFS= read -r -t 2 line <&3; do
      line=${line%$'"'"'\r'"'"'}
      [[ "$line" == "$2:"* ]] && { printf "%s" "${line#*:}"; exit 0; }
    done' _ "$SECKILL_REDIS_PORT" "$1" 2>/dev/null || echo -1
}

soak_redis_dbsize() {
  local reply; reply=$(redis_command DBSIZE) || reply=-1
  printf '%s' "${reply#:}"
}

# soak_report FILE ORDERS: the table on the console and FILE's .html next to it, both from
# io.seckill.load.bench.SoakReport, which alone decides the verdict; returns 1 when something grew,
# broke its bound, was down outside its fault or never came back.
soak_report() {
  local file=$1 orders=${2:-0}
  load_java io.seckill.load.bench.SoakReport --orders "$orders" \
    --max-growth-pct "${SECKILL_SOAK_MAX_GROWTH_PCT:-20}" \
    --log-cap-bytes $((${SECKILL_LOG_MAX_MB:-100} * 1024 * 1024)) \
    --redis-maxmemory "${SECKILL_REDIS_MAXMEMORY:-4gb}" "$file" "${file%.tsv}.html"
}

# soak_default_rate: "RATE WHERE-FROM": half the confirmed orders/s of the newest ample bench
# result (bench/results/<stamp>-ample.json, the capacity figure; the stamp sorts by time), else 100.
soak_default_rate() {
  local json measured half
  json=$(find "${SECKILL_ROOT}/bench/results" -maxdepth 1 -name '*-ample.json' 2>/dev/null | sort | tail -n 1) || json=""
  if [[ -n "$json" ]]; then
    measured=$(grep -o '"confirmedPerSecondMedian" *: *[0-9.]*' "$json" | head -n 1 | sed 's/.*: *//') || measured=""
    read -r half measured < <(awk -v m="${measured:-0}" 'BEGIN { printf "%d %.1f\n", m / 2, m }')
    if ((half >= 1)); then
      printf '%s half the measured capacity (%s confirmed/s in %s)' "$half" "$measured" "${json#"${SECKILL_ROOT}"/}"
      return 0
    fi
  fi
  printf '100 the default (no bench/results/*-ample.json with a confirmed rate; ./seckill bench measures it)'
}

# soak_fault_parts: the fault rotation, those of SECKILL_SOAK_FAULT_PARTS that are parts of this stack.
soak_fault_parts() {
  local part
  for part in ${SECKILL_SOAK_FAULT_PARTS:-order-rpc seckill-api product-rpc dtm coupon-rpc seckill-consumer pay-rpc}; do
    if known_part "$part"; then printf '%s\n' "$part"; else warn "soak: no part '$part' to fault, skipped"; fi
  done
}

# soak_fault FILE BEGAN KIND PART: one fault on PART, then wait until it answers. kill: SIGKILL (a
# crash, as chaos does), then the launcher's own start and readiness wait; restart: ./seckill restart
# (graceful stop, start, wait). Writes fault:PART at the fault and recovered:PART (seconds) once
# healthy; a part that does not come back leaves no recovered line, which fails the soak.
soak_fault() {
  local file=$1 began=$2 kind=$3 part=$4 at pid i
  at=$((SECONDS - began))
  printf '%s\t%s\t%s\n' "$at" "fault:${part}" 1 >> "$file"
  say "soak: fault at ${at} s: ${kind} ${part}"
  (
    if [[ "$kind" == restart ]]; then
      cmd_restart "$part"
    else
      pid=$(running_pid "$part")
      if [[ -n "$pid" ]]; then
        kill -KILL "$pid" 2> /dev/null || true
        for ((i = 0; i < 100; i++)); do gone "$pid" && break; sleep 0.1; done
      fi
      # A killed JVM's leader thread turns zombie before its last thread has closed the sockets:
      # wait until its ports are free, and stay down a moment, as a supervised crash would.
      local port
      for port in $(part_call "$part" port | tr '/' ' '); do
        [[ "$port" =~ ^[0-9]+$ ]] || continue
        for ((i = 0; i < 100; i++)); do port_open "$port" || break; sleep 0.1; done
      done
      sleep 1
      part_launch "$part" && part_ready "$part"
    fi
  ) || { warn "soak: ${part} did not come back after the fault at ${at} s"; return 0; }
  printf '%s\t%s\t%s\n' "$((SECONDS - began))" "recovered:${part}" "$((SECONDS - began - at))" >> "$file"
}

# soak_faults FILE BEGAN MINUTES EVERY-MIN KIND: a fault every EVERY-MIN minutes after BEGAN while the
# load runs, walking the rotation. SIGTERM ends it, but only between faults: a part being started
# is always seen through, so the soak never ends with a half-started part.
soak_faults() {
  local file=$1 began=$2 minutes=$3 every=$4 kind=$5 parts=() k=1 next stopping=0 sleeper
  mapfile -t parts < <(soak_fault_parts)
  ((${#parts[@]} > 0)) || return 0
  trap 'stopping=1' TERM
  while ((stopping == 0)); do
    next=$((k * every * 60))
    ((next < minutes * 60)) || break
    if ((began + next > SECONDS)); then
      sleep $((began + next - SECONDS)) &
      sleeper=$!
      wait "$sleeper" 2> /dev/null || true
      kill "$sleeper" 2> /dev/null || true
    fi
    ((stopping == 0)) || break
    soak_fault "$file" "$began" "$kind" "${parts[$(((k - 1) % ${#parts[@]}))]}"
    k=$((k + 1))
  done
}

cmd_soak() {
  local minutes=30 rate="" products=20 fault_every=5 fault_kind=kill
  while (($#)); do
    case "$1" in
      --minutes) minutes=$2; shift 2 ;;
      --rate) rate=$2; shift 2 ;;
      --products) products=$2; shift 2 ;;
      --fault-every-min) fault_every=$2; shift 2 ;;
      --fault-kind) fault_kind=$2; shift 2 ;;
      -h | --help)
        awk 'NR > 1 && /^# Sourced by/ { exit } NR > 1' "${SECKILL_ROOT}/stack/cmd/soak.sh" | sed 's/^# \{0,1\}//'
        return 0 ;;
      *) die "soak: unknown option '$1' (--minutes N, --rate R, --products K, --fault-every-min M, --fault-kind kill|restart)" ;;
    esac
  done
  local rate_from="given with --rate"
  if [[ -z "$rate" ]]; then
    read -r rate rate_from <<< "$(soak_default_rate)"
  fi
  [[ "$minutes" =~ ^[1-9][0-9]*$ && "$rate" =~ ^[1-9][0-9]*$ && "$products" =~ ^[1-9][0-9]*$ ]] \
    || die "soak: --minutes, --rate and --products are positive whole numbers"
  [[ "$fault_every" =~ ^[0-9]+$ ]] || die "soak: --fault-every-min is a whole number of minutes (0: no faults)"
  [[ "$fault_kind" == kill || "$fault_kind" == restart ]] || die "soak: --fault-kind is kill or restart"
  local every=${SECKILL_SOAK_SAMPLE_S:-30} count=$((minutes * 60 * rate)) began
  local file; file="${STACK_DIR}/soak-$(date -u +%Y%m%d-%H%M%S).tsv"
  cmd_up
  load_build_if_needed
  load_env
  local first=8000001 last=$((8000000 + products)) stock=$((count / products + 100)) id
  say "soak: rate ${rate}/s: ${rate_from}"
  say "soak: ${count} orders at ${rate}/s for ${minutes} min through the API on products ${first}..${last},"\
" sampling every ${every} s into ${file}"
  if ((fault_every > 0 && fault_every < minutes)); then
    say "soak: a fault (${fault_kind}) every ${fault_every} min, in turn on: $(soak_fault_parts | tr '\n' ' ')"
  else
    say "soak: no faults (--fault-every-min ${fault_every} over ${minutes} min)"
  fi
  # The products exist once (a rerun resets them through the load generator); their sale starts clean.
  for ((id = first; id <= last; id++)); do
    soak_sql "INSERT IGNORE INTO seckill_product.product (id, name, price_cents, initial_stock, available)
      VALUES (${id}, 'soak item ${id}', 1000, ${stock}, ${stock})" > /dev/null
  done
  clear_admissions "$first" "$last"
  : > "$file"
  began=$SECONDS
  soak_sample "$file" 0
  (
    while sleep "$every"; do soak_sample "$file" $((SECONDS - began)); done
  ) &
  local sampler=$! faulter="" rc=0
  if ((fault_every > 0)); then
    soak_faults "$file" "$began" "$minutes" "$fault_every" "$fault_kind" &
    faulter=$!
  fi
  # Above the demo's and the tests' ranges; stock for every order and ten buyers per order, so nothing
  # sells out and few are refused: almost every order runs the whole way.
  load_java io.seckill.load.LoadMain --mode api --count "$count" --rate "$rate" --product-base "$first" \
    --products "$products" --stock-per-product "$stock" --reset-sale --open-sale --users $((count * 10)) \
    --coupon-base 900000001 --coupon-users 1 \
    --quiet --json "${file%.tsv}.json" || rc=$?
  if [[ -n "$faulter" ]]; then
    # Ends between faults: one under way is seen through until its part answers.
    kill -TERM "$faulter" 2> /dev/null || true
    wait "$faulter" 2> /dev/null || true
  fi
  soak_sample "$file" $((SECONDS - began))
  kill "$sampler" 2> /dev/null || true
  wait "$sampler" 2> /dev/null || true
  say "soak: figures over $((SECONDS - began)) s (growth is last vs the middle sample)"
  soak_report "$file" "$count" || { warn "soak: something grew past its bound or did not recover (see above)"; rc=1; }
  # A soak leaves hundreds of thousands of orders on its products and as many transactions in DTM,
  # whose listing by status slows down with its key count: verify gets the heap and the DTM timeout
  # for that (either can still be set from outside).
  SECKILL_VERIFY_JAVA_OPTS=${SECKILL_VERIFY_JAVA_OPTS:--Xmx1g} VERIFY_DTM_TIMEOUT_MS=${VERIFY_DTM_TIMEOUT_MS:-60000} \
    verifier_java verify --products "${first}-${last}" || rc=1
  say "soak finished (exit ${rc}); samples: ${file}, report: ${file%.tsv}.html"
  return "$rc"
}
