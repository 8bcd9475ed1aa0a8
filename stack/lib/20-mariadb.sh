# shellcheck shell=bash
# MariaDB: a private datadir under .stack/data/mariadb, its own socket, 127.0.0.1 only.
# Durability: innodb_flush_log_at_trx_commit=2 writes the redo log to the OS at every commit and
# fsyncs it once a second, so killing mariadbd (even -9) loses nothing; only an OS crash or power
# loss can lose up to ~1 s of commits. That is the trade this dev stack makes for throughput.

MARIADB_DATA="${DATA_DIR}/mariadb"
MARIADB_SOCKET="${RUN_DIR}/mysqld.sock"
# The OS account that owns the datadir's socket-authenticated admin account.
MARIADB_ADMIN=$(id -un)

mariadb_port() { printf '%s' "$SECKILL_DB_PORT"; }
mariadb_identity() { printf -- '--datadir=%s' "$MARIADB_DATA"; }

# Admin client over the private socket (unix_socket auth: no password exists anywhere).
mariadb_admin_sql() {
  mariadb --no-defaults --protocol=socket --socket="$MARIADB_SOCKET" -u "$MARIADB_ADMIN" "$@"
}

# Ready (during start-up): the server answers on its socket; the application account may not exist yet.
mariadb_ready() {
  [[ -n "$(running_pid mariadb)" ]] && mariadb_admin_sql -N -e 'SELECT 1' > /dev/null 2>&1
}

# Healthy: what the services need, the application account logs in over TCP on 127.0.0.1.
mariadb_healthy() {
  mariadb_ready || return 1
  MYSQL_PWD="$SECKILL_DB_PASSWORD" mariadb --no-defaults --protocol=tcp -h 127.0.0.1 \
    -P "$SECKILL_DB_PORT" -u "$SECKILL_DB_USER" -N -e 'SELECT 1' > /dev/null 2>&1
}

mariadb_start() {
  local log; log=$(log_file mariadb)
  if [[ ! -d "${MARIADB_DATA}/mysql" ]]; then
    say "mariadb: initialising ${MARIADB_DATA}"
    rm -rf "$MARIADB_DATA"
    mkdir -p "$MARIADB_DATA"
    # --user: the admin account authenticated by socket is the OS user running this script.
    mariadb-install-db --no-defaults --datadir="$MARIADB_DATA" --user="$MARIADB_ADMIN" \
      --auth-root-authentication-method=socket --skip-test-db >> "$log" 2>&1 \
      || fail mariadb "mariadb-install-db failed"
  fi
  rm -f "$MARIADB_SOCKET"
  # --user is required when running as root, and only warned about otherwise.
  spawn mariadb "$(command -v mariadbd || echo /usr/sbin/mariadbd)" --no-defaults \
    --user="$MARIADB_ADMIN" \
    --datadir="$MARIADB_DATA" \
    --socket="$MARIADB_SOCKET" \
    --pid-file="${RUN_DIR}/mariadbd.self.pid" \
    --port="$SECKILL_DB_PORT" \
    --bind-address=127.0.0.1 \
    --log-error="$log" \
    --skip-name-resolve \
    --character-set-server=utf8mb4 \
    --collation-server=utf8mb4_unicode_ci \
    --max-connections="$SECKILL_DB_MAX_CONNECTIONS" \
    --innodb-buffer-pool-size="$SECKILL_DB_BUFFER_POOL" \
    --innodb-log-file-size=256M \
    --innodb-flush-log-at-trx-commit=2 \
    --innodb-flush-method=O_DIRECT \
    --transaction-isolation=READ-COMMITTED \
    --max-allowed-packet=64M \
    --skip-log-bin
}

# mariadb_bootstrap: the application account and every schema; runs on every `up` (all idempotent).
mariadb_bootstrap() {
  local user=${SECKILL_DB_USER//\'/\'\'} pass=${SECKILL_DB_PASSWORD//\'/\'\'} host f
  local sql=""
  for host in 127.0.0.1 localhost; do
    sql+="CREATE USER IF NOT EXISTS '${user}'@'${host}' IDENTIFIED BY '${pass}';"
    sql+="ALTER USER '${user}'@'${host}' IDENTIFIED BY '${pass}';"
    sql+="GRANT ALL PRIVILEGES ON \`seckill\\_%\`.* TO '${user}'@'${host}';"
    sql+="GRANT ALL PRIVILEGES ON \`dtm\`.* TO '${user}'@'${host}';"
  done
  mariadb_admin_sql -e "$sql" >> "$(log_file mariadb)" 2>&1 \
    || fail mariadb "creating user '${SECKILL_DB_USER}' failed"
  for f in product coupon order pay dtm seed; do
    mariadb_admin_sql < "${SECKILL_ROOT}/sql/${f}.sql" >> "$(log_file mariadb)" 2>&1 \
      || fail mariadb "applying sql/${f}.sql failed"
  done
}

mariadb_after_start() { mariadb_bootstrap; }

mariadb_stop_grace() { printf 60; }
