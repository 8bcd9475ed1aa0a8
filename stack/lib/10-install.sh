# shellcheck shell=bash
# Installs what is missing, and only that: Debian packages (MariaDB, Redis, a JDK, curl), DTM and
# grpcurl built from the Go module proxy, Kafka's jars from Maven Central. Tools go to
# SECKILL_TOOLS_DIR so every checkout on the machine shares them.

APT_UPDATED=0

# as_root CMD...: run CMD as root, through sudo when we are not root.
as_root() {
  if [[ $(id -u) -eq 0 ]]; then
    "$@"
  elif command -v sudo > /dev/null; then
    sudo -n "$@" || die "sudo refused '$*' (sudo must work without a password prompt, or install it by hand)"
  else
    die "need root to run '$*' and sudo is not installed"
  fi
}

apt_install() {
  command -v apt-get > /dev/null || die "missing packages ($*) and no apt-get: install them by hand"
  if ((APT_UPDATED == 0)); then
    say "apt-get update"
    as_root env DEBIAN_FRONTEND=noninteractive apt-get update -q > "${LOG_DIR}/install.log" 2>&1 \
      || fail install "apt-get update failed"
    APT_UPDATED=1
  fi
  say "apt-get install $*"
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "$@" \
    >> "${LOG_DIR}/install.log" 2>&1 || fail install "apt-get install $* failed"
}

install_packages() {
  local missing=()
  command -v mariadbd > /dev/null || [[ -x /usr/sbin/mariadbd ]] || missing+=(mariadb-server-core)
  command -v mariadb-install-db > /dev/null || missing+=(mariadb-server-core)
  command -v mariadb > /dev/null || missing+=(mariadb-client-core)
  command -v redis-server > /dev/null || missing+=(redis-server)
  command -v javac > /dev/null || missing+=(openjdk-17-jdk-headless)
  command -v curl > /dev/null || missing+=(curl)
  if ((${#missing[@]} > 0)); then
    # shellcheck disable=SC2207
    missing=($(printf '%s\n' "${missing[@]}" | sort -u))
    apt_install "${missing[@]}"
  fi
  # mariadbd lives in /usr/sbin, which is not on every user's PATH.
  [[ ":$PATH:" == *":/usr/sbin:"* ]] || PATH="$PATH:/usr/sbin"
}

# install_browser: headless Chromium from Debian's packages, for the dashboard's browser test.
install_browser() {
  [[ -n "${SECKILL_CHROMIUM:-}" && -x "${SECKILL_CHROMIUM}" ]] && return 0
  command -v chromium > /dev/null || command -v chromium-browser > /dev/null || apt_install chromium
}

# go_build_tool NAME MODULE@VERSION PACKAGE OUT: build one Go binary in a scratch module.
# `go install pkg@version` needs the proxy's @v/list, which answers 403 here; `go get` of an
# exact version in a throwaway module does not, and pins the same dependency set.
go_build_tool() {
  local name=$1 module=$2 package=$3 out=$4 scratch log="${LOG_DIR}/install.log"
  command -v go > /dev/null || fail install "Go is needed to build $name ($module) and is not on PATH; install Go >= 1.22 from https://go.dev/dl"
  scratch=$(mktemp -d "${TMPDIR:-/tmp}/seckill-${name}.XXXXXX")
  say "building $name from $module with Go (a few minutes when the Go caches are cold; log: $log)"
  if ! (cd "$scratch" \
        && printf 'module seckill%sbuild\n\ngo 1.22\n' "$name" > go.mod \
        && go get "$module" \
        && go build -o "${out}.tmp" "$package") >> "$log" 2>&1; then
    rm -rf "$scratch" "${out}.tmp"
    fail install "building $name failed"
  fi
  rm -rf "$scratch"
  mv -f "${out}.tmp" "$out"
}

install_dtm() {
  [[ -x "$DTM_BIN" ]] && return 0
  go_build_tool dtm "github.com/dtm-labs/dtm@${DTM_VERSION}" github.com/dtm-labs/dtm "$DTM_BIN"
}

install_grpcurl() {
  [[ -x "$GRPCURL_BIN" ]] && return 0
  go_build_tool grpcurl "github.com/fullstorydev/grpcurl/cmd/grpcurl@${GRPCURL_VERSION}" \
    github.com/fullstorydev/grpcurl/cmd/grpcurl "$GRPCURL_BIN"
}

install_kafka() {
  [[ -f "${KAFKA_HOME}/libs/.complete" ]] && return 0
  say "fetching Kafka ${KAFKA_VERSION} jars from Maven Central into ${KAFKA_HOME}/libs"
  rm -rf "${KAFKA_HOME}/libs"
  (cd "$SECKILL_ROOT" && ./mvnw -B -q -f stack/kafka/pom.xml dependency:copy-dependencies \
      -Dkafka.version="$KAFKA_VERSION" -DoutputDirectory="${KAFKA_HOME}/libs") \
    >> "${LOG_DIR}/install.log" 2>&1 || fail install "fetching Kafka's jars failed"
  # The marker makes an interrupted download count as missing next time.
  touch "${KAFKA_HOME}/libs/.complete"
}

install_all() {
  install_packages
  install_kafka
  install_dtm
  install_grpcurl
  # Stable names on PATH-like locations for people and tests: <tools>/dtm, <tools>/grpcurl.
  ln -sfn "$(basename "$DTM_BIN")" "${SECKILL_TOOLS_DIR}/dtm"
  ln -sfn "$(basename "$GRPCURL_BIN")" "${SECKILL_TOOLS_DIR}/grpcurl"
}
