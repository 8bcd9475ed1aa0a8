# shellcheck shell=bash
# ./seckill verify [--products A-B] [--timeout S] [--max-ids N] [--no-wait]: waits (bounded) for the
# pipeline to go quiet, then checks the invariants of docs/design.md across every database, DTM and Redis.
# Prints a table; exit 0 iff no invariant is violated (1: violated, 2: could not verify).
# Sourced by ./seckill with every helper of stack/lib available.

# verifier_java ARGS...: run io.seckill.verify.VerifierMain from target/verifier.jar, building it first when missing.
verifier_java() {
  local jar="${SECKILL_ROOT}/verifier/target/verifier.jar"
  if [[ ! -f "$jar" ]]; then
    ensure_dirs
    say "building the verifier (log: ${LOG_DIR}/build-verifier.log)"
    (cd "$SECKILL_ROOT" && ./mvnw -B -q -pl verifier -am install -DskipTests) > "${LOG_DIR}/build-verifier.log" 2>&1 \
      || fail build-verifier "./mvnw -pl verifier -am install failed"
  fi
  # SECKILL_* keys (ports, DB user, DTM store) are already exported by stack/lib/00-common.sh, and the
  # verifier reads the same names. SECKILL_ROOT lets chaos call back into this launcher.
  # shellcheck disable=SC2086
  java ${SECKILL_VERIFY_JAVA_OPTS:--Xmx512m} -Dorg.slf4j.simpleLogger.defaultLogLevel=info \
    -Dorg.slf4j.simpleLogger.log.org.apache.kafka=warn -Dorg.slf4j.simpleLogger.log.org.redisson=warn \
    -Dorg.slf4j.simpleLogger.log.io.netty=warn \
    -cp "${jar}:${SECKILL_ROOT}/verifier/target/lib/*" io.seckill.verify.VerifierMain "$@"
}

# verifier_stack_up ARGS...: bring the stack up (idempotent: a running stack is only checked)
# unless ARGS ask for help; a fresh start skips the warm-up, which verify and chaos do not need.
verifier_stack_up() {
  local a
  for a in "$@"; do
    [[ "$a" == -h || "$a" == --help ]] && return 0
  done
  (SECKILL_WARMUP_ORDERS=${SECKILL_WARMUP_ORDERS:-0} cmd_up)
}

cmd_verify() {
  verifier_stack_up "$@"
  verifier_java verify "$@"
}
