#!/usr/bin/env bash
# Installs the Debian packages certmint needs to build and test.
# Idempotent: does nothing (and needs no root) when everything is already there.
set -euo pipefail

packages=(
  build-essential cmake pkg-config make
  libssl-dev openssl             # OpenSSL 3: the library and the CLI used as a peer in tests
  libcli11-dev                   # command-line parsing
  libfmt-dev                     # formatting
  libexpected-dev                # tl::expected, our Result<T>
  libyaml-cpp-dev                # the cluster manifest
  libsqlite3-dev sqlite3         # the inventory of issued certificates
  nlohmann-json3-dev             # --json output and the CA service's API
  libcpp-httplib-dev             # the CA service's client (enroll, renew --server)
  libboost-dev                   # Boost.Beast and Asio (1.74, header-only): certmint serve's HTTPS front
  libgtest-dev googletest        # unit and end-to-end tests
  openjdk-17-jdk-headless        # keytool and JSSE, real Java peers for the interop tests
  kcat                           # librdkafka's own CLI: the real librdkafka peer for the tests
  bsdutils                       # script(1): a real terminal for the prompt and progress tests
  clang-format                   # make format / make format-check (clang-format 14 on Debian 12)
  zsh                            # the tests load `certmint completion zsh` in a real zsh
  groff-base man-db              # the tests render `certmint man` (groff -ww, man -l)
  python3-yaml                   # a second YAML parser for the Kubernetes Secrets the tests check
  python3-jsonschema             # the tests check every --json output against docs/json-schema.json
  libp11-dev libp11-kit-dev      # CA keys in PKCS#11 tokens: libp11 signs, p11-kit's pkcs11.h (docs/hsm.md)
  softhsm2 opensc                # a real SoftHSM2 token and pkcs11-tool for the HSM tests
  libpq-dev                      # the PostgreSQL inventory of replicated services (libpq)
  postgresql                     # the tests start a throwaway PostgreSQL 15 server (initdb, postgres)
  zookeeper libnetty-java        # a live ZooKeeper 3.8 TLS quorum reloading a renewal (tests/zookeeper;
                                 # its TLS needs netty-codec.jar and netty-resolver.jar from libnetty-java)
  chromium chromium-driver       # a real headless browser over WebDriver for the report and /ui/ tests
  python3-selenium               # the WebDriver client those tests drive it with (tests/dashboard)
  prometheus                     # promtool: check metrics on a real /metrics scrape, check rules on the examples
)

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done

if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi

echo "install-deps: installing ${missing[*]}" >&2
SUDO=""
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1; then SUDO="sudo"; else
    echo "install-deps: need root (or sudo) to install: ${missing[*]}" >&2
    exit 1
  fi
fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
