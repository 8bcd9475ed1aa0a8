# shellcheck shell=bash
# Generic life cycle of a part (infrastructure or service): ensure started, stop, one status line.
# A part P provides P_start, P_healthy, P_identity, P_port, P_stop_grace and optionally
# P_after_start (work to redo on every `up` once P answers, e.g. schemas, topics), P_ready (a
# start-up readiness check when it differs from health) and P_drifted (true when the running
# process's settings differ from the env, so `up` restarts it).

# part_check_port PART: refuse to start when someone else already listens on the part's port(s).
part_check_port() {
  local part=$1 port
  for port in $(part_call "$part" port | tr '/' ' '); do
    if port_open "$port"; then
      fail "$part" "port $port is already taken by another process $(port_owner "$port") (set the SECKILL_*_PORT env key to move it)"
    fi
  done
}

# part_drifted PART PID: true when the running process no longer matches what `up` would start.
part_drifted() {
  if declare -F "${1}_drifted" > /dev/null; then
    "${1}_drifted"
  elif is_service "$1"; then
    service_drifted "$1" "$2"
  else
    return 1
  fi
}

# part_launch PART: start PART unless ours is already running; does not wait.
part_launch() {
  local part=$1 pid
  pid=$(running_pid "$part")
  if [[ -n "$pid" ]] && part_drifted "$part" "$pid"; then
    say "$part is out of date (its settings or its jar changed since it started): restarting it"
    part_stop "$part"
    pid=
  fi
  if [[ -n "$pid" ]]; then
    return 0
  fi
  rm -f "$(pid_file "$part")"
  part_check_port "$part"
  say "starting $part (log: $(log_file "$part"))"
  part_call "$part" start
}

# part_ready PART: wait until PART answers, then run its after-start step.
part_ready() {
  local part=$1 started=$SECONDS
  wait_for "$part"
  if declare -F "${part}_after_start" > /dev/null; then "${part}_after_start"; fi
  say "$part is healthy ($((SECONDS - started))s wait)"
}

part_stop() {
  local part=$1 pid
  pid=$(running_pid "$part")
  if [[ -n "$pid" ]]; then
    say "stopping $part (pid $pid)"
    stop_pid "$part" "$pid" "$(part_call "$part" stop_grace)"
  fi
  rm -f "$(pid_file "$part")"
}

# part_status_line PART: print one line; return 0 iff healthy.
part_status_line() {
  local part=$1 pid state rc=0
  pid=$(running_pid "$part")
  if part_call "$part" healthy; then state=healthy; else state=DOWN; rc=1; fi
  printf '%-16s pid=%-8s port=%-12s %-8s log=%s\n' "$part" "${pid:--}" "$(part_call "$part" port)" \
    "$state" "$(log_file "$part")"
  return "$rc"
}

all_parts() { printf '%s\n' "${INFRA_PARTS[@]}" "${SERVICES[@]}"; }

known_part() {
  [[ " ${INFRA_PARTS[*]} " == *" $1 "* ]] || is_service "$1"
}
