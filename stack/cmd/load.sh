# shellcheck shell=bash
# ./seckill load [options]: the load generator (module load-generator, io.seckill.load.LoadMain).
# Orders go straight to Kafka (default) or through seckill-api; `./seckill load --help` lists the
# options. Also holds the helpers demo.sh and bench.sh share (they source this file).

LOAD_MODULE_DIR="${SECKILL_ROOT}/load-generator"
LOAD_JAR="${LOAD_MODULE_DIR}/target/load-generator.jar"
# The load generator is a client, not a service: its heap is sized for the workloads it holds.
: "${SECKILL_LOAD_JAVA_OPTS:=-Xmx512m}"

# load_build_if_needed: build the module when its jar is missing or older than its sources.
load_build_if_needed() {
  if [[ -f "$LOAD_JAR" && -z "$(find "${LOAD_MODULE_DIR}/src" "${LOAD_MODULE_DIR}/pom.xml" -newer "$LOAD_JAR" \
      -type f -print -quit 2>/dev/null)" ]]; then
    return 0
  fi
  ensure_dirs
  say "building load-generator (log: ${LOG_DIR}/build-load.log)"
  # Offline first (everything is usually in ~/.m2 already), then online for a fresh machine.
  if ! (cd "$SECKILL_ROOT" && ./mvnw -B -q -o -pl load-generator -am install -DskipTests) \
      > "${LOG_DIR}/build-load.log" 2>&1; then
    (cd "$SECKILL_ROOT" && ./mvnw -B -q -pl load-generator -am install -DskipTests) \
      >> "${LOG_DIR}/build-load.log" 2>&1 || fail build-load "./mvnw -pl load-generator install failed"
  fi
}

# load_java MAIN-CLASS ARGS...: run a class of the load generator from the repo root.
load_java() {
  local main=$1; shift
  # shellcheck disable=SC2086  # SECKILL_LOAD_JAVA_OPTS holds several JVM options on purpose
  (cd "$SECKILL_ROOT" && java $SECKILL_LOAD_JAVA_OPTS -cp "${LOAD_JAR}:${LOAD_MODULE_DIR}/target/lib/*" "$main" "$@")
}

# load_env: the endpoints the Java side reads, from the launcher's settings. The API's admin
# listener (sales admin, /metrics) is not a launcher part of its own: its port is the API's setting.
# The stack's secrets (buyer token key, order signing keyring, admin token) are exported by stack/lib.
load_env() {
  export SECKILL_API_PORT="${SECKILL_API_PORT:-${SVC_PORT[seckill-api]:-8080}}"
  export SECKILL_ADMIN_PORT="${SECKILL_ADMIN_PORT:-${SECKILL_API_ADMIN_PORT:-8081}}"
  export SECKILL_CONSUMER_METRICS_URL="${SECKILL_CONSUMER_METRICS_URL:-http://127.0.0.1:${SVC_PORT[seckill-consumer]:-9100}/metrics}"
}

# clear_admissions FIRST LAST: forget Redis's admission state of products FIRST..LAST (sale hash,
# buyer marks, pending/records/states), so a rerun starts from a clean sale. Re-opening a sale
# through the API keeps buyer marks on purpose (one order per buyer per sale), so a new sale needs
# this (the demo and the soak rerun on the same ids).
clear_admissions() {
  local p keys=()
  for ((p = $1; p <= $2; p++)); do
    keys+=("seckill:sale:{$p}" "seckill:users:{$p}" "seckill:pending:{$p}" "seckill:adm:{$p}" "seckill:state:{$p}")
  done
  redis-cli -h 127.0.0.1 -p "$SECKILL_REDIS_PORT" DEL "${keys[@]}" > /dev/null \
    || die "could not clear the admission keys of products $1..$2 in Redis (redis-cli on port ${SECKILL_REDIS_PORT})"
}

cmd_load() {
  load_build_if_needed
  load_env
  load_java io.seckill.load.LoadMain "$@"
}
