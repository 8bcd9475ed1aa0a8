# shellcheck shell=bash
# ./seckill chaos [--rounds N] [--orders N] [--seed S] [...]: seeded load + faults (kills and restarts,
# slow branches, duplicate deliveries, poison bursts, a MariaDB restart), then settle and verify.
# Run ./seckill chaos --help for every option. Sourced by ./seckill with every helper of stack/lib available.

# shellcheck source=stack/cmd/verify.sh
source "${SECKILL_ROOT}/stack/cmd/verify.sh"

cmd_chaos() {
  verifier_stack_up "$@"
  verifier_java chaos "$@"
}
