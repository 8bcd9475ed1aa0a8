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
# The HMAC secret of payment-provider callbacks: the simulated provider signs with it, the API verifies.
export SECKILL_PAYMENT_PROVIDER_SECRET_FILE="${SECKILL_PAYMENT_PROVIDER_SECRET_FILE:-${SECRETS_DIR}/payment-provider.key}"
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
  secret_file "$SECKILL_PAYMENT_PROVIDER_SECRET_FILE" random_b64url 32
  ensure_db_secrets
}

# --- database accounts, one per process that needs a database ------------------------------------
# The owner account (SECKILL_DB_USER, ALL on seckill_% and dtm) is the operator's: schemas, tests,
# the verifier, the load generator's sale set-up. No running part uses it. Each part below gets its
# own user with SELECT, INSERT, UPDATE, DELETE on its own schema only (its business tables and its
# barrier table; DTM's tables are made by sql/dtm.sql, so DTM needs no DDL either). The user names
# are the db.user defaults of the services' properties files; the passwords are random per stack,
# in .stack/secrets/db-<part>.password, and reach only that part's process (service_start, dtm).
declare -A DB_ACCOUNT_USER=([order-rpc]=order_rpc [product-rpc]=product_rpc [coupon-rpc]=coupon_rpc
  [pay-rpc]=pay_rpc [dtm]=dtm_server)
declare -A DB_ACCOUNT_SCHEMA=([order-rpc]=seckill_order [product-rpc]=seckill_product
  [coupon-rpc]=seckill_coupon [pay-rpc]=seckill_pay [dtm]=dtm)
readonly DB_ACCOUNT_PRIVILEGES="SELECT, INSERT, UPDATE, DELETE"
DB_ACCOUNT_PARTS=(order-rpc product-rpc coupon-rpc pay-rpc dtm)

has_db_account() { [[ -n "${DB_ACCOUNT_USER[$1]:-}" ]]; }
db_password_file() { printf '%s/db-%s.password' "$SECRETS_DIR" "$1"; }
# db_password PART: the part's database password (made by ensure_secrets).
db_password() {
  local f; f=$(db_password_file "$1")
  [[ -s "$f" ]] || die "missing ${f}: run ./seckill up (it generates the stack's secrets)"
  printf '%s' "$(< "$f")"
}

ensure_db_secrets() {
  local part
  for part in "${DB_ACCOUNT_PARTS[@]}"; do
    secret_file "$(db_password_file "$part")" random_b64url 24
  done
}

# drop_db_credentials: in a subshell about to start a daemon, forget every database credential of
# the environment (the owner's SECKILL_DB_USER/PASSWORD and any SECKILL_<PART>_DB_USER/PASSWORD),
# so the daemon gets only what its caller adds back for it.
drop_db_credentials() {
  local v
  for v in $(compgen -e); do
    if [[ "$v" =~ ^SECKILL_([A-Z0-9_]+_)?DB_(USER|PASSWORD)$ ]]; then unset "$v"; fi
  done
}
