#!/usr/bin/env bash
# Generates the secrets docker-compose.yml needs into docker/secrets/ (git-ignored), each once:
# a file or key that already exists is kept, so re-running never changes a password that an
# initialised MySQL volume already holds. Then:
#   docker compose --env-file docker/secrets/db.env up --build -d
#
#   db.env              the database passwords, for compose's ${VAR:?} interpolation: MySQL's root,
#                       the owner account `seckill` (operator's tools only), and one per service user
#                       (order_rpc, product_rpc, coupon_rpc, pay_rpc) and DTM's (dtm_server)
#   admin.token         the API's operator token (admin port, 127.0.0.1:8081 on the host)
#   buyer-token.key     the HS256 key of buyer tokens (the API verifies, your token minter signs)
#   order-signing.keys  the HMAC keyring of order messages (API signs, consumer verifies)
#   payment-provider.key the HMAC secret of payment-provider callbacks (provider signs, API verifies)
#   grafana-admin.password the password of Grafana's `admin` (127.0.0.1:3000; viewing needs no login)
#
# The directory is 0700 and db.env 0600. The files mounted as compose secrets are 0644: compose
# (without swarm) bind-mounts them as they are, and the services run as uid 10001 (Grafana as 472) in
# their containers; nobody else on the host can reach them through the 0700 directory.
set -euo pipefail

dir="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)/secrets"
mkdir -p "$dir"
chmod 700 "$dir"

random_b64url() { head -c "$1" /dev/urandom | base64 -w0 | tr '+/' '-_' | tr -d '='; }

# put NAME MODE CONTENT: write docker/secrets/NAME unless it already holds something.
put() {
  local file="${dir}/$1"
  [[ -s "$file" ]] && return 0
  (umask 077 && printf '%s' "$3" > "${file}.tmp")
  chmod "$2" "${file}.tmp"
  mv -f "${file}.tmp" "$file"
}

env_file="${dir}/db.env"
(umask 077 && touch "$env_file")
chmod 600 "$env_file"
for key in SECKILL_DB_ROOT_PASSWORD SECKILL_DB_PASSWORD SECKILL_ORDER_DB_PASSWORD \
  SECKILL_PRODUCT_DB_PASSWORD SECKILL_COUPON_DB_PASSWORD SECKILL_PAY_DB_PASSWORD SECKILL_DTM_DB_PASSWORD; do
  grep -q "^${key}=" "$env_file" || printf '%s=%s\n' "$key" "$(random_b64url 24)" >> "$env_file"
done

put admin.token 644 "$(random_b64url 24)"
put buyer-token.key 644 "$(random_b64url 32)"
put payment-provider.key 644 "$(random_b64url 32)"
put order-signing.keys 644 "k1 $(random_b64url 32)
"
put grafana-admin.password 644 "$(random_b64url 24)"
echo "docker/secrets/ is ready: docker compose --env-file docker/secrets/db.env up --build -d"
