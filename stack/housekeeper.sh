#!/usr/bin/env bash
# The local stack's housekeeper: started by `./seckill up` (part `housekeeper`), stopped by `down`.
# Every SECKILL_HOUSEKEEPING_INTERVAL_S (60) seconds it
#   - caps every log in .stack/logs at SECKILL_LOG_MAX_MB (100): a log past it is copied to
#     <log>.1 (one old copy kept) and emptied in place. Every part writes its log in append mode,
#     so it goes on writing at the new end; the lines written between the copy and the truncation
#     (a few microseconds) are lost;
#   - when DTM stores in MySQL (SECKILL_DTM_STORE=mysql), deletes finished global transactions
#     (succeed, failed) last updated more than SECKILL_DTM_FINISHED_EXPIRE_S (a week) ago, their
#     branch rows first, at most SECKILL_HOUSEKEEPING_DTM_BATCH (1000) per statement, pausing between
#     batches, with DTM's own account (DML on `dtm` only). On Redis storage DTM expires them itself.
# Usage: stack/housekeeper.sh STACK_DIR [--once] (the password of dtm_server is read from
# STACK_DIR/secrets; --once runs one pass and exits, as the tests do).
set -uo pipefail

stack_dir=${1:?usage: housekeeper.sh STACK_DIR [--once]}
once=0
[[ "${2:-}" == --once ]] && once=1
log_dir="${stack_dir}/logs"

note() { printf '%s housekeeper: %s\n' "$(date -u +%FT%TZ)" "$*"; }

# setting KEY DEFAULT: the env value of KEY, which must be a positive whole number.
setting() {
  local v=${!1:-$2}
  [[ "$v" =~ ^[1-9][0-9]{0,9}$ ]] || { note "bad setting $1='$v': a positive whole number is needed" >&2; exit 2; }
  printf '%s' "$v"
}

interval=$(setting SECKILL_HOUSEKEEPING_INTERVAL_S 60) || exit 2
max_mb=$(setting SECKILL_LOG_MAX_MB 100) || exit 2
batch=$(setting SECKILL_HOUSEKEEPING_DTM_BATCH 1000) || exit 2
retention_s=$(setting SECKILL_DTM_FINISHED_EXPIRE_S 604800) || exit 2
max_bytes=$((max_mb * 1024 * 1024))

cap_logs() {
  local log size
  for log in "$log_dir"/*.log; do
    [[ -f "$log" ]] || continue
    size=$(stat -c %s "$log" 2>/dev/null || echo 0)
    if ((size > max_bytes)); then
      if cp -f "$log" "${log}.1" && truncate -s 0 "$log"; then
        note "$(basename "$log") reached ${size} bytes: copied to $(basename "$log").1 and emptied"
      else
        note "could not rotate ${log}"
      fi
    fi
  done
}

dtm_sql() {
  MYSQL_PWD="$(< "${stack_dir}/secrets/db-dtm.password")" mariadb --no-defaults --protocol=tcp -h 127.0.0.1 \
    -P "${SECKILL_DB_PORT:-3306}" -u dtm_server -N -B dtm -e "$1"
}

# purge_dtm: delete one batch after another until a batch finds less than a full one. The gids
# are read first, then their branch rows and global rows go by gid, so both deletes name the same
# transactions; a crash in between leaves finished global rows whose branches are gone, which the
# next pass deletes.
purge_dtm() {
  [[ "${SECKILL_DTM_STORE:-redis}" == mysql ]] || return 0
  local gids list count total=0
  while :; do
    gids=$(dtm_sql "SELECT gid FROM trans_global WHERE status IN ('succeed', 'failed')
        AND update_time < NOW() - INTERVAL ${retention_s} SECOND ORDER BY id LIMIT ${batch}") \
      || { note "DTM purge failed reading finished transactions (is MariaDB up?)"; return 0; }
    [[ -n "$gids" ]] || break
    count=$(wc -l <<< "$gids")
    # Each gid as an SQL string literal: quotes doubled, backslashes escaped.
    list=$(sed -e "s/\\\\/\\\\\\\\/g" -e "s/'/''/g" -e "s/.*/'&'/" <<< "$gids" | paste -sd, -)
    dtm_sql "DELETE FROM trans_branch_op WHERE gid IN (${list}); DELETE FROM trans_global WHERE gid IN (${list})" \
      || { note "DTM purge failed deleting a batch"; return 0; }
    total=$((total + count))
    ((count < batch)) && break
    sleep 0.05
  done
  ((total > 0)) && note "deleted ${total} finished DTM transactions older than ${retention_s} s"
  return 0
}

if ((once)); then
  cap_logs
  purge_dtm
  exit 0
fi
note "started: logs capped at ${max_bytes} bytes, DTM store ${SECKILL_DTM_STORE:-redis}, every ${interval} s"
trap 'note "stopped"; exit 0' TERM INT
while :; do
  cap_logs
  purge_dtm
  sleep "$interval" &
  wait $!
done
