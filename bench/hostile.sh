#!/usr/bin/env bash
# The attacks of issue 19 against `certmint serve`, side by side, for the
# table in docs/security.md:
#   bench/hostile.sh [--mib N] CERTMINT_BINARY [LABEL] [CERTMINT_BINARY LABEL ...]
# Each binary gets a fresh CA in a scratch directory and `serve --quiet` on
# 127.0.0.1 (port 0); certmint_hostile (built with the tests, found in
# $HOSTILE or build/) then sends a chunked body, a body with no length
# and header fields of N MiB each (default 200), holds 24 slow-header clients
# and then 24 idle TCP connections while it makes health checks, and finally
# times SIGTERM with one slow client connected. Loopback only.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
mib=200
if [ "${1:-}" = "--mib" ]; then mib=$2; shift 2; fi
hostile=${HOSTILE:-$root/build/certmint_hostile}
[ -x "$hostile" ] || { echo "hostile.sh: build the tests first (make test), or set HOSTILE" >&2; exit 2; }
[ $# -ge 1 ] || { echo "usage: bench/hostile.sh [--mib N] CERTMINT_BINARY [LABEL] ..." >&2; exit 2; }

echo "| server | attack | answer | server RSS (before → peak) | health checks | time |"
echo "|---|---|---|---|---|---|"
while [ $# -gt 0 ]; do
  bin=$(realpath "$1"); label=${2:-$(basename "$1")}; shift; [ $# -gt 0 ] && shift
  work=$(mktemp -d /tmp/certmint-hostile-XXXXXX)
  printf 'hostile-bench-ca-password\n' > "$work/ca.pass"
  (cd "$work" && "$bin" ca init --dir pki --key-type ec:p256 --ca-password-file ca.pass >/dev/null)
  (cd "$work" && exec "$bin" serve --dir pki --listen 127.0.0.1:0 --ca-password-file ca.pass \
     --quiet >"$work/serve.out" 2>"$work/serve.err") &
  pid=$!
  port=""
  for _ in $(seq 100); do
    port=$(sed -n 's#.*listening on https://[^ ]*:\([0-9][0-9]*\).*#\1#p' "$work/serve.out" | head -1)
    [ -n "$port" ] && break
    sleep 0.1
  done
  [ -n "$port" ] || { echo "hostile.sh: $bin did not start: $(cat "$work/serve.err")" >&2; exit 1; }
  "$hostile" --port "$port" --pid "$pid" --mib "$mib" --label "$label"
  kill -9 "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
  rm -rf "$work"
done
