# shellcheck shell=bash
# The Java services listed in stack/services.conf (format documented there).

SERVICES_CONF="${SECKILL_ROOT}/stack/services.conf"
declare -A SVC_MODULE=() SVC_MAIN=() SVC_PORT=() SVC_HEALTH=() SVC_PORT_ENV=()
SERVICES=()

load_services() {
  local line name module main port health lineno=0
  [[ -f "$SERVICES_CONF" ]] || return 0
  while IFS= read -r line || [[ -n "$line" ]]; do
    lineno=$((lineno + 1))
    line="${line%%#*}"
    line="${line//[[:space:]]/}"
    [[ -n "$line" ]] || continue
    IFS='|' read -r name module main port health <<< "$line"
    [[ "$name" =~ ^[a-z0-9][a-z0-9-]*$ && -n "$module" && -n "$main" && -n "$port" && -n "$health" ]] \
      || die "${SERVICES_CONF}:${lineno}: expected name|module-dir|main-class|port|health, got '${line}'"
    [[ " ${INFRA_PARTS[*]} " != *" $name "* ]] || die "${SERVICES_CONF}:${lineno}: '$name' is an infrastructure part"
    [[ -z "${SVC_MODULE[$name]:-}" ]] || die "${SERVICES_CONF}:${lineno}: service '$name' listed twice"
    [[ "$health" == grpc || "$health" == http:/* ]] \
      || die "${SERVICES_CONF}:${lineno}: health must be grpc or http:/path, got '$health'"
    if [[ "$port" =~ ^([A-Z_][A-Z0-9_]*)=([0-9]+)$ ]]; then
      SVC_PORT_ENV[$name]=${BASH_REMATCH[1]}
      port=${!BASH_REMATCH[1]:-${BASH_REMATCH[2]}}
    fi
    [[ "$port" =~ ^[0-9]+$ ]] || die "${SERVICES_CONF}:${lineno}: port must be a number or ENV_KEY=number, got '$port'"
    SERVICES+=("$name")
    SVC_MODULE[$name]=$module SVC_MAIN[$name]=$main SVC_PORT[$name]=$port SVC_HEALTH[$name]=$health
  done < "$SERVICES_CONF"
}

is_service() { [[ -n "${SVC_MODULE[$1]:-}" ]]; }

service_jar() { printf '%s/%s/target/%s.jar' "$SECKILL_ROOT" "${SVC_MODULE[$1]}" "${SVC_MODULE[$1]}"; }

service_port() { printf '%s' "${SVC_PORT[$1]}"; }
service_identity() { printf -- '-Dseckill.service=%s -Dseckill.stack=%s' "$1" "$STACK_DIR"; }

service_healthy() {
  local name=$1 port=${SVC_PORT[$1]} health=${SVC_HEALTH[$1]}
  [[ -n "$(running_pid "$name")" ]] || return 1
  if [[ "$health" == grpc ]]; then
    "$GRPCURL_BIN" -plaintext -max-time 2 -import-path "${SECKILL_ROOT}/stack/proto" -proto health.proto \
      "127.0.0.1:${port}" grpc.health.v1.Health/Check 2>/dev/null | grep -q '"SERVING"'
  else
    [[ "$(curl -s -o /dev/null -w '%{http_code}' --max-time 2 "http://127.0.0.1:${port}${health#http:}")" == 200 ]]
  fi
}

# build_services_if_needed [NAME...]: when a jar of the named services (default: all) is missing,
# build just those modules and what they depend on, in one reactor run.
build_services_if_needed() {
  local name missing=() modules=()
  (($# > 0)) || set -- "${SERVICES[@]}"
  for name in "$@"; do
    if [[ ! -f "$(service_jar "$name")" ]]; then
      missing+=("$name")
      modules+=("${SVC_MODULE[$name]}")
    fi
  done
  ((${#missing[@]} > 0)) || return 0
  local projects
  projects=$(IFS=,; printf '%s' "${modules[*]}")
  say "building ${projects} (missing jars; log: ${LOG_DIR}/build.log)"
  (cd "$SECKILL_ROOT" && ./mvnw -B -q -DskipTests install -pl "$projects" -am) > "${LOG_DIR}/build.log" 2>&1 \
    || fail build "./mvnw -B -q -DskipTests install -pl ${projects} -am failed"
  for name in "${missing[@]}"; do
    [[ -f "$(service_jar "$name")" ]] || fail "$name" "the build produced no $(service_jar "$name")"
  done
}

# service_db_env NAME: the database credentials NAME's process gets, as KEY=VALUE lines (none for
# a service without a database account): its own user and password under its own env prefix
# (order-rpc -> SECKILL_ORDER_DB_USER / SECKILL_ORDER_DB_PASSWORD, the names ServiceConfig reads first).
service_db_env() {
  local name=$1 prefix pass
  has_db_account "$name" || return 0
  pass=$(db_password "$name") || return 1
  prefix=${name%-rpc}
  prefix="SECKILL_${prefix^^}"
  prefix=${prefix//-/_}
  printf '%s_DB_USER=%s\n' "$prefix" "${DB_ACCOUNT_USER[$name]}"
  printf '%s_DB_PASSWORD=%s\n' "$prefix" "$pass"
}

service_start() {
  local name=$1 module=${SVC_MODULE[$1]} jar
  jar=$(service_jar "$name")
  [[ -f "$jar" ]] || fail "$name" "missing $jar (run ./mvnw -B -DskipTests install)"
  if [[ -n "${SVC_PORT_ENV[$name]:-}" ]]; then export "${SVC_PORT_ENV[$name]}=${SVC_PORT[$name]}"; fi
  # The -D markers identify the process as ours (see pid_matches); word splitting of
  # SECKILL_JAVA_OPTS is intended, it holds several JVM options. The subshell drops every database
  # credential of the launcher's environment (the owner account's above all) and exports only this
  # service's own, so no other process sees them (and none is on a command line).
  # shellcheck disable=SC2086
  (
    cd "$SECKILL_ROOT" || exit 1
    local own line
    own=$(service_db_env "$name") || exit 1
    drop_db_credentials
    while IFS= read -r line; do
      if [[ -n "$line" ]]; then export "${line?}"; fi
    done <<< "$own"
    # Another instance's own ports and DTM (65-instances.sh), for this process only.
    local kv
    for kv in ${SVC_EXTRA_ENV[$name]:-}; do export "${kv?}"; done
    spawn "$name" java $SECKILL_JAVA_OPTS "-Dseckill.service=${name}" \
      "-Dseckill.stack=${STACK_DIR}" -cp "${jar}:${SECKILL_ROOT}/${module}/target/lib/*" "${SVC_MAIN[$name]}"
  )
}

# process_start_epoch PID: when the process started, in seconds since the epoch
# (boot time from /proc/stat plus field 22 of /proc/PID/stat, in clock ticks since boot).
process_start_epoch() {
  local stat fields btime
  stat=$(cat "/proc/$1/stat" 2>/dev/null) || return 1
  read -ra fields <<< "${stat##*) }"
  btime=$(awk '/^btime/ {print $2}' /proc/stat)
  printf '%s' $((btime + fields[19] / $(getconf CLK_TCK)))
}

# service_drifted NAME PID: the jar was rebuilt after the process started, so `up` restarts the
# service on the new code instead of keeping the old one.
service_drifted() {
  local jar started
  jar=$(service_jar "$1")
  started=$(process_start_epoch "$2") || return 1
  if [[ -f "$jar" ]] && (($(stat -c %Y "$jar") > started)); then return 0; fi
  service_env_drifted "$1" "$2"
}

# service_env_drifted NAME PID: the running process's database credentials are not exactly the ones
# service_start gives it now (e.g. it was started by a launcher that handed every service the owner
# account, or its password file was regenerated), so `up` restarts it with the right ones.
service_env_drifted() {
  local name=$1 pid=$2 have want
  [[ -r "/proc/${pid}/environ" ]] || return 1
  have=$(tr '\0' '\n' < "/proc/${pid}/environ" 2>/dev/null \
    | grep -E '^SECKILL_([A-Z0-9_]+_)?DB_(USER|PASSWORD)=' | sort) || true
  want=$(service_db_env "$name" | sort)
  [[ "$have" != "$want" ]]
}

# The Java services drain on SIGTERM (the consumer up to consumer.shutdown-timeout-ms, 20 s, then its
# producer; the API http.shutdown-drain-ms, 10 s): the grace before SIGKILL is longer than both.
service_stop_grace() { printf "%s" "${SECKILL_STOP_GRACE_S:-30}"; }
