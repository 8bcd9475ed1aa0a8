#!/bin/bash
# Run once by the MySQL image at first start (docker-entrypoint-initdb.d, after the schemas and
# mysql-grants.sql): one account per part that needs a database, with SELECT, INSERT, UPDATE, DELETE
# on its own schema only, the same model as ./seckill (stack/lib/20-mariadb.sh). The passwords come
# from this container's environment (docker-compose.yml, from docker/secrets/db.env); each service
# container gets only its own. Works whether the entrypoint executes or sources this file.
(
  set -euo pipefail
  # user schema env-key-of-its-password
  accounts="
order_rpc   seckill_order   SECKILL_ORDER_DB_PASSWORD
product_rpc seckill_product SECKILL_PRODUCT_DB_PASSWORD
coupon_rpc  seckill_coupon  SECKILL_COUPON_DB_PASSWORD
pay_rpc     seckill_pay     SECKILL_PAY_DB_PASSWORD
dtm_server  dtm             SECKILL_DTM_DB_PASSWORD
"
  literal() { local v=${1//\\/\\\\}; printf '%s' "${v//\'/\'\'}"; }
  sql=""
  while read -r user schema key; do
    [[ -n "$user" ]] || continue
    pass=${!key:-}
    [[ -n "$pass" ]] || { echo "mysql-users.sh: $key is not set (run docker/make-secrets.sh)" >&2; exit 1; }
    pass=$(literal "$pass")
    sql+="CREATE USER IF NOT EXISTS '${user}'@'%' IDENTIFIED BY '${pass}';"
    sql+="ALTER USER '${user}'@'%' IDENTIFIED BY '${pass}';"
    sql+="GRANT SELECT, INSERT, UPDATE, DELETE ON \`${schema}\`.* TO '${user}'@'%';"
  done <<< "$accounts"
  printf '%s\n' "$sql" | MYSQL_PWD="$MYSQL_ROOT_PASSWORD" mysql --protocol=socket -uroot
  echo "mysql-users.sh: the services' and DTM's accounts are ready"
)
