# shellcheck shell=bash
# The stack's secrets: random per stack, generated once by `up` into .stack/secrets/ (directory
# 0700, files 0600), never printed, never in a config file. Every process gets only the paths of
# the ones it needs, through the env keys below.

SECRETS_DIR="${STACK_DIR}/secrets"
# Where the servers and the clients of this stack find them (the Java side's StackSecrets).
export SECKILL_STACK_DIR="$STACK_DIR"
export SECKILL_BUYER_TOKEN_SECRET_FILE="${SECKILL_BUYER_TOKEN_SECRET_FILE:-${SECRETS_DIR}/buyer-token.key}"
export SECKILL_ORDER_SIGNING_KEYS_FILE="${SECKILL_ORDER_SIGNING_KEYS_FILE:-${SECRETS_DIR}/order-signing.keys}"
export SECKILL_ADMIN_TOKEN_FILE="${SECKILL_ADMIN_TOKEN_FILE:-${SECRETS_DIR}/admin.token}"
# Every simulated buyer of this stack (demo, load, bench) connects from 127.0.0.1, so the API's
# per-client-IP bucket is raised here; the shipped default (20/s, bursts of 40) is for real clients.
export SECKILL_API_HTTP_CLIENT_RATE_PER_SECOND="${SECKILL_API_HTTP_CLIENT_RATE_PER_SECOND:-1000000}"
export SECKILL_API_HTTP_CLIENT_BURST="${SECKILL_API_HTTP_CLIENT_BURST:-1000000}"

# random_b64url BYTES: BYTES random bytes from the kernel, base64url without padding.
random_b64url() {
  head -c "$1" /dev/urandom | base64 -w0 | tr '+/' '-_' | tr -d '='
}

# secret_file PATH CONTENT-COMMAND...: write PATH (mode 0600) from the command's output, unless it
# already holds something: a secret outlives restarts, `down --purge` is what forgets it.
secret_file() {
  local path=$1; shift
  [[ -s "$path" ]] && return 0
  mkdir -p "$(dirname "$path")"
  chmod 700 "$(dirname "$path")"
  (umask 077 && "$@" > "${path}.tmp") || die "cannot write secret ${path}"
  mv -f "${path}.tmp" "$path"
}

ensure_secrets() {
  mkdir -p "$SECRETS_DIR"
  chmod 700 "$SECRETS_DIR"
  # HS256 buyer tokens and HMAC-SHA256 order signatures: 256-bit keys.
  secret_file "$SECKILL_BUYER_TOKEN_SECRET_FILE" random_b64url 32
  secret_file "$SECKILL_ORDER_SIGNING_KEYS_FILE" bash -c 'printf "k1 %s\n" "$1"' _ "$(random_b64url 32)"
  secret_file "$SECKILL_ADMIN_TOKEN_FILE" random_b64url 24
}
