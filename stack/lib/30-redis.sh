# shellcheck shell=bash
# Redis: private dir, append-only file on, 127.0.0.1 only. Redis daemonizes itself and writes its
# own pid file; its process title is "redis-server 127.0.0.1:<port>".

REDIS_DATA="${DATA_DIR}/redis"
# A memory ceiling with noeviction: when Redis is full, a write fails loudly (the API answers an
# error, DTM's storage refuses the transaction) instead of Redis silently dropping an admission key
# (a buyer mark, a stock slot) to make room. Any size redis-server accepts (bytes, 512mb, 2gb), not 0.
# 4gb: DTM's Redis storage keeps each finished transaction for SECKILL_DTM_FINISHED_EXPIRE_S (a
# week, ~1 KB each), and a full `./seckill bench` alone leaves ~1 GB of them.
: "${SECKILL_REDIS_MAXMEMORY:=4gb}"
export SECKILL_REDIS_MAXMEMORY

redis_check_maxmemory() {
  [[ "${SECKILL_REDIS_MAXMEMORY,,}" =~ ^[1-9][0-9]*(b|k|kb|m|mb|g|gb)?$ ]] \
    || die "SECKILL_REDIS_MAXMEMORY must be a size such as 1gb or 536870912 (not 0, which is unlimited), not '${SECKILL_REDIS_MAXMEMORY}'"
}

redis_port() { printf '%s' "$SECKILL_REDIS_PORT"; }
redis_identity() { printf 'redis-server 127.0.0.1:%s' "$SECKILL_REDIS_PORT"; }
# The process title names only the port, so also require that it runs in our data dir
# (redis-server chdirs to --dir): another checkout's Redis on the same port is not ours.
redis_owns() { [[ "$(readlink "/proc/$1/cwd" 2>/dev/null)" == "$REDIS_DATA" ]]; }

# A PING over a plain TCP socket: needs no client binary.
redis_ping() {
  timeout 2 bash -c '
    exec 3<>"/dev/tcp/127.0.0.1/$1" || exit 1
    printf "PING\r\n" >&3
    IFS= read -r line <&3
    [[ "$line" == "+PONG"* ]]' _ "$SECKILL_REDIS_PORT" 2>/dev/null
}

redis_healthy() {
  [[ -n "$(running_pid redis)" ]] && redis_ping
}

# redis_command ARG...: send one command (inline form: no argument may hold a space) over a plain
# TCP socket and print the first line of the reply (+OK, -ERR ..., or a RESP header).
redis_command() {
  timeout 2 bash -c '
    exec 3<>"/dev/tcp/127.0.0.1/$1" || exit 1
    shift
    printf "%s\r\n" "$*" >&3
    IFS= read -r line <&3
    printf "%s\n" "$line"' _ "$SECKILL_REDIS_PORT" "$@" 2>/dev/null | tr -d '\r'
}

# On every `up`: a Redis started before SECKILL_REDIS_MAXMEMORY changed (or by an older launcher)
# gets the ceiling and the policy live, with no restart (CONFIG SET; the start flags cover restarts).
redis_after_start() {
  local reply setting
  redis_check_maxmemory
  for setting in "maxmemory ${SECKILL_REDIS_MAXMEMORY}" "maxmemory-policy noeviction"; do
    # shellcheck disable=SC2086 # two words: the parameter and its value
    reply=$(redis_command CONFIG SET $setting)
    [[ "$reply" == "+OK" ]] || fail redis "CONFIG SET ${setting} answered '${reply}'"
  done
}

redis_start() {
  redis_check_maxmemory
  mkdir -p "$REDIS_DATA"
  rm -f "$(pid_file redis)"
  # appendfsync everysec: like MariaDB, a killed process loses nothing, an OS crash ~1 s.
  # Redis daemonizes itself (no spawn): the subshell drops inherited descriptors first, or the
  # daemon would keep e.g. the lock of a `flock ... ./seckill up` held for as long as it runs.
  (close_inherited_fds; drop_db_credentials; exec redis-server --port "$SECKILL_REDIS_PORT" --bind 127.0.0.1 --protected-mode yes \
    --dir "$REDIS_DATA" --daemonize yes --pidfile "$(pid_file redis)" \
    --logfile "$(log_file redis)" --appendonly yes --appendfsync everysec \
    --save "" --maxclients 2000 --tcp-backlog 511 \
    --maxmemory "$SECKILL_REDIS_MAXMEMORY" --maxmemory-policy noeviction) \
    || fail redis "redis-server refused to start"
  # The daemon writes its pid file shortly after the foreground process returns.
  local i
  for ((i = 0; i < 50; i++)); do
    [[ -s "$(pid_file redis)" ]] && return 0
    sleep 0.1
  done
  fail redis "redis-server wrote no pid file"
}

redis_stop_grace() { printf 20; }
