# shellcheck shell=bash
# Redis: private dir, append-only file on, 127.0.0.1 only. Redis daemonizes itself and writes its
# own pid file; its process title is "redis-server 127.0.0.1:<port>".

REDIS_DATA="${DATA_DIR}/redis"

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

redis_start() {
  mkdir -p "$REDIS_DATA"
  rm -f "$(pid_file redis)"
  # appendfsync everysec: like MariaDB, a killed process loses nothing, an OS crash ~1 s.
  # Redis daemonizes itself (no spawn): the subshell drops inherited descriptors first, or the
  # daemon would keep e.g. the lock of a `flock ... ./seckill up` held for as long as it runs.
  (close_inherited_fds; exec redis-server --port "$SECKILL_REDIS_PORT" --bind 127.0.0.1 --protected-mode yes \
    --dir "$REDIS_DATA" --daemonize yes --pidfile "$(pid_file redis)" \
    --logfile "$(log_file redis)" --appendonly yes --appendfsync everysec \
    --save "" --maxclients 2000 --tcp-backlog 511) \
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
