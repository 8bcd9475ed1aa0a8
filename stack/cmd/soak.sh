# shellcheck shell=bash
# ./seckill soak [--minutes N] [--rate R] [--products K]: a steady sale through the API for N
# minutes (default 30) at R orders/s (default 100) on products 8000001.. while every SECKILL_SOAK_SAMPLE_S (30) seconds the
# resident memory and open descriptors of every part, the size of .stack/data and .stack/logs, Redis's
# memory and key count, and the barrier and DTM rows are written to .stack/soak-<time>.tsv. At the
# end: first, middle and last sample of each figure, its growth over the second half, and the
# verdict. It fails when a JVM's RSS passes 3 GB, when a part's RSS or descriptors grew by more than
# SECKILL_SOAK_MAX_GROWTH_PCT (20) percent over the second half (a leak keeps growing once warm;
# a cache fills in the first half; MariaDB, Redis and Kafka are data stores that grow with what they
# keep, so their growth is reported per order, with the orders left before Redis's maxmemory), when
# a log passed its cap, when a part was down at a sample, or when verify finds a violation.
# Sourced by ./seckill with every helper of stack/lib available.

# shellcheck source=stack/cmd/load.sh
source "${SECKILL_ROOT}/stack/cmd/load.sh"
# shellcheck source=stack/cmd/verify.sh
source "${SECKILL_ROOT}/stack/cmd/verify.sh"

# soak_sample FILE ELAPSED: one line per figure: elapsed, name, value.
soak_sample() {
  local file=$1 t=$2 part pid rss fds
  for part in $(all_parts); do
    pid=$(running_pid "$part")
    [[ -n "$pid" ]] || { printf '%s\t%s\t%s\n' "$t" "down:${part}" 1 >> "$file"; continue; }
    rss=$(awk '/^VmRSS:/ {print $2 * 1024}' "/proc/${pid}/status" 2>/dev/null || echo 0)
    fds=$(find "/proc/${pid}/fd" -mindepth 1 -maxdepth 1 2>/dev/null | wc -l)
    printf '%s\t%s\t%s\n%s\t%s\t%s\n' "$t" "rss:${part}" "$rss" "$t" "fds:${part}" "$fds" >> "$file"
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

soak_sql() {
  MYSQL_PWD="$SECKILL_DB_PASSWORD" mariadb --no-defaults --protocol=tcp -h 127.0.0.1 -P "$SECKILL_DB_PORT" \
    -u "$SECKILL_DB_USER" -N -B -e "$1" 2>/dev/null || echo -1
}

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
  local reply; reply=$(redis_command DBSIZE)
  printf '%s' "${reply#:}"
}

# soak_report FILE: the table and the verdict; returns 1 when something grew or broke its bound.
soak_report() {
  local file=$1 max_growth=${SECKILL_SOAK_MAX_GROWTH_PCT:-20} cap=$((${SECKILL_LOG_MAX_MB:-100} * 1024 * 1024))
  local times first mid last rows
  mapfile -t times < <(cut -f1 "$file" | sort -n -u)
  ((${#times[@]} >= 3)) || { warn "soak: fewer than three samples, nothing to compare"; return 1; }
  first=${times[0]} mid=${times[$(((${#times[@]} - 1) / 2))]} last=${times[-1]}
  rows=$(awk -F'\t' -v first="$first" -v mid="$mid" -v last="$last" -v maxg="$max_growth" -v cap="$cap" '
    { v[$2, $1] = $3; names[$2] = 1 }
    END {
      for (k in names) {
        a = v[k, first]; b = v[k, mid]; c = v[k, last]
        g = (b + 0 > 0) ? sprintf("%+.1f%%", 100 * (c - b) / b) : "-"
        verdict = "ok"
        if (k ~ /^rss:/ && c + 0 > 3 * 1024 * 1024 * 1024) verdict = "OVER-3-GB"
        # The data stores grow with what they keep (their retention); the processes must not.
        store = (k ~ /:(mariadb|redis|kafka)$/)
        if ((k ~ /^rss:/ || k ~ /^fds:/) && !store && b + 0 > 0 && 100 * (c - b) / b > maxg) verdict = "GREW"
        if (k == "log:largest" && c + 0 > cap) verdict = "PAST-THE-LOG-CAP"
        if (k ~ /^down:/) verdict = "DOWN-AT-A-SAMPLE"
        printf "%s\t%s\t%s\t%s\t%s\t%s\n", k, a, b, c, g, verdict
      }
    }' "$file" | sort)
  printf '%-30s %16s %16s %16s %10s  %s\n' figure "first (${first} s)" "middle (${mid} s)" "last (${last} s)" \
    "2nd half" verdict
  printf '%s\n' "$rows" | awk -F'\t' '{ printf "%-30s %16s %16s %16s %10s  %s\n", $1, $2, $3, $4, $5, $6 }'
  if [[ -n "${2:-}" && "$2" -gt 0 ]]; then
    awk -F'\t' -v first="$first" -v last="$last" -v orders="$2" -v max="${SECKILL_REDIS_MAXMEMORY:-4gb}" '
      $1 == first { a[$2] = $3 } $1 == last { b[$2] = $3 }
      END {
        m = max; u = tolower(m); n = m + 0
        if (u ~ /gb?$/) n *= 1024 * 1024 * 1024; else if (u ~ /mb?$/) n *= 1024 * 1024; else if (u ~ /kb?$/) n *= 1024
        per = (b["redis:used_memory"] - a["redis:used_memory"]) / orders
        printf "per order: Redis %+.0f bytes, %+.2f keys; data dir %+.0f bytes; barrier rows %+.2f (order-rpc)\n", per,
          (b["redis:keys"] - a["redis:keys"]) / orders, (b["disk:data"] - a["disk:data"]) / orders,
          (b["barrier:seckill_order"] - a["barrier:seckill_order"]) / orders
        if (per > 0) printf "Redis reaches its maxmemory (%s) after about %.0f more orders kept for the retention\n", max,
          (n - b["redis:used_memory"]) / per
      }' "$file"
  fi
  ! cut -f6 <<< "$rows" | grep -qv '^ok$'
}

cmd_soak() {
  local minutes=30 rate=100 products=20
  while (($#)); do
    case "$1" in
      --minutes) minutes=$2; shift 2 ;;
      --rate) rate=$2; shift 2 ;;
      --products) products=$2; shift 2 ;;
      -h | --help)
        sed -n '2,9p' "${SECKILL_ROOT}/stack/cmd/soak.sh" | sed 's/^# \{0,1\}//'
        return 0 ;;
      *) die "soak: unknown option '$1' (--minutes N, --rate R, --products K)" ;;
    esac
  done
  [[ "$minutes" =~ ^[1-9][0-9]*$ && "$rate" =~ ^[1-9][0-9]*$ && "$products" =~ ^[1-9][0-9]*$ ]] \
    || die "soak: --minutes, --rate and --products are positive whole numbers"
  local every=${SECKILL_SOAK_SAMPLE_S:-30} count=$((minutes * 60 * rate)) began=$SECONDS
  local file; file="${STACK_DIR}/soak-$(date -u +%Y%m%d-%H%M%S).tsv"
  cmd_up
  load_build_if_needed
  load_env
  local first=8000001 last=$((8000000 + products)) stock=$((count / products + 100)) id
  say "soak: ${count} orders at ${rate}/s for ${minutes} min through the API on products ${first}..${last},"\
" sampling every ${every} s into ${file}"
  # The products exist once (a rerun resets them through the load generator); their sale starts clean.
  for ((id = first; id <= last; id++)); do
    soak_sql "INSERT IGNORE INTO seckill_product.product (id, name, price_cents, initial_stock, available)
      VALUES (${id}, 'soak item ${id}', 1000, ${stock}, ${stock})" > /dev/null
  done
  clear_admissions "$first" "$last"
  : > "$file"
  soak_sample "$file" 0
  (
    while sleep "$every"; do soak_sample "$file" $((SECONDS - began)); done
  ) &
  local sampler=$! rc=0
  # Above the demo's and the tests' ranges; stock for every order and ten buyers per order, so nothing
  # sells out and few are refused: almost every order runs the whole way.
  load_java io.seckill.load.LoadMain --mode api --count "$count" --rate "$rate" --product-base "$first" \
    --products "$products" --stock-per-product "$stock" --reset-sale --open-sale --users $((count * 10)) \
    --coupon-base 900000001 --coupon-users 1 \
    --quiet --json "${file%.tsv}.json" || rc=$?
  soak_sample "$file" $((SECONDS - began))
  kill "$sampler" 2> /dev/null || true
  wait "$sampler" 2> /dev/null || true
  say "soak: figures over $((SECONDS - began)) s (growth is last vs the middle sample)"
  soak_report "$file" "$count" || { warn "soak: something grew past its bound (see above)"; rc=1; }
  verifier_java verify --products "${first}-${last}" || rc=1
  say "soak finished (exit ${rc}); samples: ${file}"
  return "$rc"
}
