# shellcheck shell=bash
# The housekeeper part: stack/housekeeper.sh, a small loop that caps the logs of every part while
# they run and, on DTM's MySQL storage, purges DTM's finished transactions past their retention.

housekeeper_port() { printf -- '-'; }
housekeeper_identity() { printf 'stack/housekeeper.sh %s' "$STACK_DIR"; }
housekeeper_healthy() { [[ -n "$(running_pid housekeeper)" ]]; }

housekeeper_start() {
  # It needs DTM's account only (read from .stack/secrets by the script itself), none other.
  (drop_db_credentials
   spawn housekeeper env SECKILL_LOG_MAX_MB="${SECKILL_LOG_MAX_MB:-100}" \
     SECKILL_HOUSEKEEPING_INTERVAL_S="${SECKILL_HOUSEKEEPING_INTERVAL_S:-60}" \
     SECKILL_HOUSEKEEPING_DTM_BATCH="${SECKILL_HOUSEKEEPING_DTM_BATCH:-1000}" \
     SECKILL_DTM_FINISHED_EXPIRE_S="${SECKILL_DTM_FINISHED_EXPIRE_S:-604800}" \
     bash "${SECKILL_ROOT}/stack/housekeeper.sh" "$STACK_DIR")
}

housekeeper_stop_grace() { printf 5; }
