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

# Healthy: the owner account logs in over TCP on 127.0.0.1 (the parts' accounts are made after it).
mariadb_healthy() {
  mariadb_ready || return 1
  owner_sql -e 'SELECT 1' > /dev/null 2>&1
}

# owner_sql ARG...: the client as the owner account over TCP on 127.0.0.1 (batch output, no headers).
owner_sql() {
  MYSQL_PWD="$SECKILL_DB_PASSWORD" mariadb --no-defaults --protocol=tcp -h 127.0.0.1 \
    -P "$SECKILL_DB_PORT" -u "$SECKILL_DB_USER" -N -B "$@"
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
  # (The server needs no client credential in its environment.)
  (drop_db_credentials; spawn mariadb "$(command -v mariadbd || echo /usr/sbin/mariadbd)" --no-defaults \
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
    --skip-log-bin)
}

# mariadb_bootstrap: the owner account (the operator's: schemas, tests, verifier, load set-up; no
# running part uses it), every schema, then the parts' own accounts; runs on every `up` (all idempotent).
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
  mariadb_part_accounts
}

# sql_literal VALUE: VALUE as the inside of a single-quoted SQL string (backslashes and quotes escaped).
sql_literal() {
  local v=${1//\\/\\\\}
  printf '%s' "${v//\'/\'\'}"
}

# mariadb_part_accounts: one account per part that needs a database (DB_ACCOUNT_* in
# 15-secrets.sh), for 127.0.0.1 and localhost, with exactly DML on the part's own schema; the
# password is re-set from .stack/secrets on every `up`. An account found with any other privilege
# (granted by hand, or by an older launcher) loses everything and gets its one grant back.
mariadb_part_accounts() {
  local part user schema pass host sql="" show="" line extra=() account
  declare -A schema_of=()
  for part in "${DB_ACCOUNT_PARTS[@]}"; do
    user=${DB_ACCOUNT_USER[$part]} schema=${DB_ACCOUNT_SCHEMA[$part]}
    pass=$(db_password "$part") || exit 1
    pass=$(sql_literal "$pass")
    schema_of[$user]=$schema
    for host in 127.0.0.1 localhost; do
      sql+="CREATE USER IF NOT EXISTS '${user}'@'${host}' IDENTIFIED BY '${pass}';"
      sql+="ALTER USER '${user}'@'${host}' IDENTIFIED BY '${pass}';"
      sql+="GRANT ${DB_ACCOUNT_PRIVILEGES} ON \`${schema}\`.* TO '${user}'@'${host}';"
      show+="SHOW GRANTS FOR '${user}'@'${host}';"
    done
  done
  mariadb_admin_sql -e "$sql" >> "$(log_file mariadb)" 2>&1 \
    || fail mariadb "creating the services' database accounts failed"
  # Anything but USAGE on *.* and the one expected grant is a privilege too many.
  while IFS= read -r line; do
    [[ "$line" =~ \ TO\ \`([^\`]+)\`@\`([^\`]+)\` ]] || continue
    user=${BASH_REMATCH[1]} host=${BASH_REMATCH[2]}
    [[ "$line" == "GRANT USAGE ON *.* TO "* && "$line" != *"WITH GRANT OPTION"* ]] && continue
    [[ "$line" == "GRANT ${DB_ACCOUNT_PRIVILEGES} ON \`${schema_of[$user]}\`.* TO \`${user}\`@\`${host}\`" ]] && continue
    extra+=("${user}@${host}")
  done < <(mariadb_admin_sql -N -e "$show" 2>> "$(log_file mariadb)")
  ((${#extra[@]} > 0)) || return 0
  sql=""
  for account in $(printf '%s\n' "${extra[@]}" | sort -u); do
    user=${account%@*} host=${account#*@}
    warn "mariadb: '${user}'@'${host}' had privileges beyond DML on ${schema_of[$user]}: revoking them"
    sql+="REVOKE ALL PRIVILEGES, GRANT OPTION FROM '${user}'@'${host}';"
    sql+="GRANT ${DB_ACCOUNT_PRIVILEGES} ON \`${schema_of[$user]}\`.* TO '${user}'@'${host}';"
  done
  mariadb_admin_sql -e "$sql" >> "$(log_file mariadb)" 2>&1 \
    || fail mariadb "resetting the services' database privileges failed"
}

mariadb_after_start() { mariadb_bootstrap; }

mariadb_stop_grace() { printf 60; }
