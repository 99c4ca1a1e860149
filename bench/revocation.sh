#!/usr/bin/env bash
# How long from `certmint revoke` to a refused handshake (issue 21): a CA with
# a status URL, `certmint serve --status-listen`, a broker and a client issued
# with kafka-opts.env, and the JSSE harness (tests/java/TlsHarness.java: one
# JVM, a server with the broker's keystore, a client with the client's) run
# with exactly kafka-opts.env's options, as a broker started after the
# revocation would be. Prints, over RUNS revocations:
#   - a good handshake (JVM start included): the floor of what can be measured;
#   - revoke: the time `certmint revoke` takes;
#   - refused: from the start of `certmint revoke` to the end of the first
#     refused handshake (JVM start included).
#   bench/revocation.sh
# Writes docs/performance-data/revocation.json, which bench/report.py renders
# into docs/performance.md.
# CERTMINT_BINARY=FILE and CERTMINT_JAVA_CLASSES=DIR (default: build/ and
# build/tests/java, from `make build`); RUNS (default 5).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
certmint=${CERTMINT_BINARY:-$root/build/certmint}
classes=${CERTMINT_JAVA_CLASSES:-$root/build/tests/java}
runs=${RUNS:-5}
[ -x "$certmint" ] && [ -f "$classes/TlsHarness.class" ] || {
  echo "revocation.sh: build first (make build): need $certmint and $classes/TlsHarness.class" >&2
  exit 2
}
work=$(mktemp -d /tmp/certmint-revocation-XXXXXX)
serve_pid=""
cleanup() { [ -n "$serve_pid" ] && kill "$serve_pid" 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT
cd "$work"
echo ca-password-123 > ca.pass
echo store-password > store.pass
chmod 600 ca.pass store.pass
"$certmint" ca init --dir pki --ca-password-file ca.pass >/dev/null
"$certmint" serve --dir pki --listen 127.0.0.1:0 --status-listen 127.0.0.1:0 --quiet \
  --ca-password-file ca.pass > serve.out 2> serve.err &
serve_pid=$!
for _ in $(seq 100); do grep -q "status listener on" serve.out 2>/dev/null && break; sleep 0.1; done
url=$(grep -o 'status listener on http://[^ ]*' serve.out | sed 's/status listener on //')
"$certmint" ca set-url --dir pki "$url" >/dev/null

now_ms() { date +%s%3N; }
handshake() {  # prints OK/FAIL lines; the exit code says which
  # shellcheck disable=SC1091
  (set -a; . certs/broker/kafka-opts.env; set +a
   # shellcheck disable=SC2086
   java $KAFKA_OPTS -cp "$classes" TlsHarness certs/broker/keystore.p12 PKCS12 \
     "certs/client-$1/keystore.p12" PKCS12 certs/broker/truststore.p12 PKCS12 store.pass \
     store.pass broker)
}
"$certmint" issue broker --dir pki --out certs --format p12 --password-file store.pass \
  --ca-password-file ca.pass >/dev/null
good_total=0
refused_total=0
revoke_total=0
for i in $(seq "$runs"); do
  "$certmint" issue "client-$i" --dir pki --out certs --format p12 --role client \
    --password-file store.pass --ca-password-file ca.pass >/dev/null
  t0=$(now_ms)
  handshake "$i" > good.out || { echo "revocation.sh: the good client was refused" >&2; cat good.out >&2; exit 1; }
  t1=$(now_ms)
  "$certmint" revoke "client-$i" --dir pki --reason key-compromise --yes >/dev/null 2>&1
  t2=$(now_ms)
  tries=0
  until ! handshake "$i" > refused.out 2>&1; do
    tries=$((tries + 1))
    [ "$tries" -lt 30 ] || { echo "revocation.sh: still accepted after 30 tries" >&2; exit 1; }
  done
  grep -q revoked refused.out || { echo "revocation.sh: refused, but not as revoked" >&2; cat refused.out >&2; exit 1; }
  t3=$(now_ms)
  good_total=$((good_total + t1 - t0))
  revoke_total=$((revoke_total + t2 - t1))
  refused_total=$((refused_total + t3 - t1))
  echo "run $i: good handshake $((t1 - t0)) ms, revoke $((t2 - t1)) ms, revoke to refused $((t3 - t1)) ms (accepted $tries more time(s))"
done
out="$root/docs/performance-data/revocation.json"
python3 - "$out" "$runs" "$good_total" "$revoke_total" "$refused_total" <<'PY'
import json, os, sys
out, runs, good, revoke, refused = sys.argv[1], *map(int, sys.argv[2:])
json.dump({"runs": runs, "good_handshake_ms": good / runs, "revoke_ms": revoke / runs,
           "revoke_to_refused_ms": refused / runs, "cores": os.cpu_count()},
          open(out, "w"), indent=2)
PY
echo "mean over $runs: good handshake $((good_total / runs)) ms (JVM start included), revoke $((revoke_total / runs)) ms, revoke to refused $((refused_total / runs)) ms; ratio refused/good $(python3 -c "print(f'{$refused_total / $good_total:.2f}')")"
