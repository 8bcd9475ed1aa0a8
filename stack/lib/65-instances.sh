# shellcheck shell=bash
# Several instances on one machine: `./seckill up --instances N` (N 1..4, kept in .stack/run/instances
# until changed, so `up`, `status`, `down`, chaos and verify all see the same shape). Instance k >= 2
# of the API, the consumer and DTM runs as the parts seckill-api-k, seckill-consumer-k and dtm-k,
# every port of theirs moved by 100 x (k - 1), on the one MariaDB, Redis, Kafka and DTM storage:
# the consumers share the Kafka group (the partitions are split between them), consumer k and API k
# talk to DTM k, and DTM k reads and writes the same storage as DTM 1 (each server takes over the
# transactions whose cron falls due, whoever started them). This is the shape of a deployment over
# several hosts with the same stores.

INSTANCES_FILE="${RUN_DIR}/instances"
INSTANCE_PORT_STEP=100
declare -A SVC_EXTRA_ENV=()

# instances_wanted: the kept instance count (1 without the file).
instances_wanted() {
  local n=1
  [[ -s "$INSTANCES_FILE" ]] && n=$(tr -dc '0-9' < "$INSTANCES_FILE")
  [[ "$n" =~ ^[1-4]$ ]] || n=1
  printf '%s' "$n"
}

# instance_port BASE K: the port of instance K for a part whose first instance listens on BASE.
instance_port() { printf '%s' $(($1 + ($2 - 1) * INSTANCE_PORT_STEP)); }

# define_instances N: declare the parts of instances 2..N.
define_instances() {
  local n=$1 k http grpc api admin apigrpc metrics
  for ((k = 2; k <= n; k++)); do
    http=$(instance_port "$SECKILL_DTM_HTTP_PORT" "$k")
    grpc=$(instance_port "$SECKILL_DTM_GRPC_PORT" "$k")
    INFRA_PARTS+=("dtm-${k}")
    eval "dtm-${k}_port() { printf '%s/%s' ${http} ${grpc}; }
      dtm-${k}_identity() { printf -- '-c %s' '${CONF_DIR}/dtm-${k}.yml'; }
      dtm-${k}_healthy() { dtm_instance_healthy dtm-${k} ${http} ${grpc}; }
      dtm-${k}_start() { dtm_instance_start dtm-${k} '${CONF_DIR}/dtm-${k}.yml' ${http} ${grpc}; }
      dtm-${k}_drifted() { dtm_instance_drifted dtm-${k} '${CONF_DIR}/dtm-${k}.yml' ${http} ${grpc}; }
      dtm-${k}_stop_grace() { dtm_stop_grace; }"
    metrics=$(instance_port "${SVC_PORT[seckill-consumer]:-9100}" "$k")
    api=$(instance_port "${SVC_PORT[seckill-api]:-8080}" "$k")
    admin=$(instance_port "${SECKILL_API_ADMIN_PORT:-8081}" "$k")
    apigrpc=$(instance_port "${SECKILL_API_GRPC_PORT:-9005}" "$k")
    instance_service "seckill-consumer" "$k" "$metrics" \
      "SECKILL_CONSUMER_METRICS_PORT=${metrics} SECKILL_CONSUMER_DTM_GRPC=127.0.0.1:${grpc} SECKILL_CONSUMER_DTM_HTTP=http://127.0.0.1:${http}"
    instance_service "seckill-api" "$k" "$api" \
      "SECKILL_API_API_PORT=${api} SECKILL_API_ADMIN_PORT=${admin} SECKILL_API_GRPC_PORT=${apigrpc} SECKILL_API_DTM_GRPC_PORT=${grpc} SECKILL_API_DTM_HTTP_PORT=${http} SECKILL_API_CONSUMER_METRICS_PORT=${metrics}"
  done
}

# instance_service BASE K PORT ENV: service BASE-K, a copy of BASE listening on PORT with ENV
# (KEY=VALUE words) set in its process only.
instance_service() {
  local base=$1 k=$2 port=$3 env=$4 name="${1}-${2}"
  is_service "$base" || return 0
  SERVICES+=("$name")
  SVC_MODULE[$name]=${SVC_MODULE[$base]} SVC_MAIN[$name]=${SVC_MAIN[$base]} SVC_HEALTH[$name]=${SVC_HEALTH[$base]}
  SVC_PORT[$name]=$port
  SVC_EXTRA_ENV[$name]=$env
}

# set_instances N: keep N; stop the parts of instances above N.
set_instances() {
  local n=$1 old part k
  [[ "$n" =~ ^[1-4]$ ]] || die "--instances must be 1, 2, 3 or 4, not '$n'"
  old=$(instances_wanted)
  for ((k = old; k > n; k--)); do
    for part in "seckill-api-${k}" "seckill-consumer-${k}" "dtm-${k}"; do
      if known_part "$part"; then part_stop "$part"; fi
    done
  done
  mkdir -p "$RUN_DIR"
  printf '%s\n' "$n" > "$INSTANCES_FILE"
}
