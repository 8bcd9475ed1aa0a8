# shellcheck shell=bash
# ./seckill token --user ID [--ttl 1h]: prints a buyer token (JWT, HS256) signed with this stack's
# secret (.stack/secrets/buyer-token.key, made by `up` or here). For curl and grpc-free testing by hand:
#   curl -H "Authorization: Bearer $(./seckill token --user 42)" ...

# shellcheck source=stack/cmd/load.sh
source "${SECKILL_ROOT}/stack/cmd/load.sh"

cmd_token() {
  ensure_dirs
  load_build_if_needed
  SECKILL_LOAD_JAVA_OPTS="-Xmx64m -XX:TieredStopAtLevel=1" load_java io.seckill.auth.TokenMain "$@"
}
