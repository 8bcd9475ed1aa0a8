# shellcheck shell=bash
# Shared settings and helpers of ./seckill: env keys with their defaults, private dirs, logging,
# pid files and process identity, bounded waits. Sourced first (files in stack/lib/ load in name order).

# --- settings: every key can be overridden from the environment ---------------------------------
: "${SECKILL_DB_PORT:=3306}"
: "${SECKILL_REDIS_PORT:=6379}"
: "${SECKILL_KAFKA_PORT:=9092}"
: "${SECKILL_KAFKA_CONTROLLER_PORT:=9093}"
: "${SECKILL_DTM_HTTP_PORT:=36789}"
: "${SECKILL_DTM_GRPC_PORT:=36790}"
: "${SECKILL_DB_USER:=seckill}"
: "${SECKILL_DB_PASSWORD:=seckill}"
: "${SECKILL_DTM_STORE:=redis}"
: "${SECKILL_TOOLS_DIR:=${HOME}/.cache/seckill/tools}"
: "${SECKILL_JAVA_OPTS:=-Xmx256m}"
: "${SECKILL_KAFKA_HEAP:=512m}"
: "${SECKILL_DB_BUFFER_POOL:=512M}"
: "${SECKILL_DB_MAX_CONNECTIONS:=600}"
# Upper bound, in seconds, for any one part to answer after it was started.
: "${SECKILL_WAIT_SECONDS:=120}"
export SECKILL_DB_PORT SECKILL_REDIS_PORT SECKILL_KAFKA_PORT SECKILL_KAFKA_CONTROLLER_PORT \
  SECKILL_DTM_HTTP_PORT SECKILL_DTM_GRPC_PORT SECKILL_DB_USER SECKILL_DB_PASSWORD \
  SECKILL_DTM_STORE SECKILL_TOOLS_DIR SECKILL_JAVA_OPTS

readonly DTM_VERSION=v1.19.0
readonly GRPCURL_VERSION=v1.9.3
readonly KAFKA_VERSION=4.3.1

# --- private dirs inside the checkout (git-ignored) ----------------------------------------------
STACK_DIR="${SECKILL_ROOT}/.stack"
LOG_DIR="${STACK_DIR}/logs"
RUN_DIR="${STACK_DIR}/run"
DATA_DIR="${STACK_DIR}/data"
CONF_DIR="${STACK_DIR}/conf"

KAFKA_HOME="${SECKILL_TOOLS_DIR}/kafka-${KAFKA_VERSION}"
DTM_BIN="${SECKILL_TOOLS_DIR}/dtm-${DTM_VERSION}"
GRPCURL_BIN="${SECKILL_TOOLS_DIR}/grpcurl-${GRPCURL_VERSION}"

# The infrastructure in start order; `down` walks it backwards. Services come from stack/services.conf.
INFRA_PARTS=(mariadb redis kafka dtm housekeeper)

ensure_dirs() {
  mkdir -p "$LOG_DIR" "$RUN_DIR" "$DATA_DIR" "$CONF_DIR" "$SECKILL_TOOLS_DIR"
  ensure_secrets
}

# --- output -------------------------------------------------------------------------------------
say() { printf '[seckill] %s\n' "$*" >&2; }
warn() { printf '[seckill] WARNING: %s\n' "$*" >&2; }

# fail PART REASON: name the failing part, why, and where its log is, then give up.
fail() {
  local part=$1 reason=$2 log="${LOG_DIR}/${1}.log"
  printf '[seckill] FAILED: %s: %s\n' "$part" "$reason" >&2
  if [[ -s "$log" ]]; then
    printf '[seckill]   log: %s (last lines below)\n' "$log" >&2
    tail -n 15 "$log" | sed 's/^/    | /' >&2
  else
    printf '[seckill]   log: %s\n' "$log" >&2
  fi
  exit 1
}

die() { printf '[seckill] ERROR: %s\n' "$*" >&2; exit 1; }

# --- processes ------------------------------------------------------------------------------------
pid_file() { printf '%s/%s.pid' "$RUN_DIR" "$1"; }
log_file() { printf '%s/%s.log' "$LOG_DIR" "$1"; }

read_pid() {
  local f; f=$(pid_file "$1")
  [[ -s "$f" ]] && tr -dc '0-9' < "$f" || true
}

# pid_matches PID PATTERN: the process is alive and its command line contains PATTERN, so a
# recycled pid of some unrelated process is never mistaken for (or killed as) one of ours.
pid_matches() {
  local pid=$1 pattern=$2 cmdline
  [[ -n "$pid" && -r "/proc/${pid}/cmdline" ]] || return 1
  cmdline=$(tr '\0' ' ' < "/proc/${pid}/cmdline" 2>/dev/null) || return 1
  [[ "$cmdline" == *"$pattern"* ]]
}

# owned PART PID: the part's extra ownership check, when it has one (P_owns).
owned() {
  if declare -F "${1}_owns" > /dev/null; then "${1}_owns" "$2"; else return 0; fi
}

# running_pid PART: print the pid of PART when it is alive and really ours. When the pid file is
# missing or stale (e.g. .stack/run was wiped) a process carrying the part's identity is adopted
# and its pid file rewritten, so `down` still stops it and `up` does not start a second one.
running_pid() {
  local part=$1 pid identity candidate
  identity=$(part_call "$part" identity)
  pid=$(read_pid "$part")
  if pid_matches "$pid" "$identity" && owned "$part" "$pid"; then
    printf '%s' "$pid"
    return 0
  fi
  for candidate in $(pgrep -f -- "$(sed 's/[][\.*^$+?(){}|]/\\&/g' <<< "$identity")" || true); do
    if pid_matches "$candidate" "$identity" && owned "$part" "$candidate"; then
      [[ -d "$RUN_DIR" ]] && echo "$candidate" > "$(pid_file "$part")"
      printf '%s' "$candidate"
      return 0
    fi
  done
}

# spawn PART CMD...: start CMD detached in its own session, output to the part's log, pid to its pid file.
# A log past SECKILL_LOG_MAX_MB (default 100) is moved to <log>.1 first (one old copy kept), so
# chaos rounds that restart parts again and again do not fill the disk.
spawn() {
  local part=$1; shift
  local log size; log=$(log_file "$part")
  size=$(stat -c %s "$log" 2>/dev/null || echo 0)
  if ((size > ${SECKILL_LOG_MAX_MB:-100} * 1024 * 1024)); then
    mv -f "$log" "${log}.1"
  fi
  printf '\n===== %s starting %s =====\n' "$(date -u +%FT%TZ)" "$part" >> "$log"
  # The daemon gets no descriptor of its caller but the three it is given: started under
  # `flock /tmp/seckill-stack.lock ./seckill restart ...`, it would otherwise inherit the lock's
  # descriptor and hold the lock for its whole life, blocking every later flock on it.
  (
    close_inherited_fds
    exec setsid "$@" >> "$log" 2>&1 < /dev/null
  ) &
  echo $! > "$(pid_file "$part")"
}

# close_inherited_fds: in a subshell about to exec a daemon, close every descriptor but 0-2, so
# the daemon never holds its caller's files (such as a flock'ed lock) for its whole life.
close_inherited_fds() {
  local fd
  for fd in /proc/self/fd/*; do
    fd=${fd##*/}
    if ((fd > 2)) && [[ -e /proc/self/fd/$fd ]]; then eval "exec ${fd}>&-"; fi
  done
}

# gone PID: the process no longer exists, or is a zombie (exited; only its parent must reap it,
# e.g. when this very script started it with `start` a moment ago).
gone() {
  local stat
  stat=$(cat "/proc/$1/stat" 2>/dev/null) || return 0
  [[ "${stat##*) }" == Z* ]]
}

# stop_pid PART PID GRACE: SIGTERM, wait up to GRACE seconds, then SIGKILL; returns once it is gone.
stop_pid() {
  local part=$1 pid=$2 grace=$3 i
  kill -TERM "$pid" 2>/dev/null || true
  for ((i = 0; i < grace * 5; i++)); do
    gone "$pid" && return 0
    sleep 0.2
  done
  warn "$part (pid $pid) ignored SIGTERM for ${grace}s: sending SIGKILL"
  kill -KILL "$pid" 2>/dev/null || true
  for ((i = 0; i < 50; i++)); do
    gone "$pid" && return 0
    sleep 0.2
  done
  die "$part (pid $pid) survived SIGKILL"
}

# --- network --------------------------------------------------------------------------------------
port_open() { timeout 2 bash -c "exec 3<>/dev/tcp/127.0.0.1/$1" 2>/dev/null; }

# port_owner PORT: a short description of whoever listens on PORT, for error messages.
port_owner() {
  ss -Hltnp "sport = :$1" 2>/dev/null | grep -o 'users:(([^)]*))' | head -n 1 || true
}

# wait_for PART: poll PART's readiness (P_ready, else its health check) until it passes, for at most SECKILL_WAIT_SECONDS.
# Fails naming the part when its process died or the deadline passed.
wait_for() {
  local part=$1 deadline=$((SECONDS + SECKILL_WAIT_SECONDS))
  while ((SECONDS < deadline)); do
    if declare -F "${part}_ready" > /dev/null; then
      if "${part}_ready"; then return 0; fi
    elif part_call "$part" healthy; then
      return 0
    fi
    [[ -n "$(running_pid "$part")" ]] || fail "$part" "the process exited during start-up"
    sleep 0.5
  done
  fail "$part" "no healthy answer within ${SECKILL_WAIT_SECONDS}s (SECKILL_WAIT_SECONDS)"
}

# part_call PART ACTION: dispatch to <part>_<action> for infrastructure, service_<action> otherwise.
part_call() {
  local part=$1 action=$2
  if declare -F "${part}_${action}" > /dev/null; then
    "${part}_${action}"
  else
    service_"$action" "$part"
  fi
}
