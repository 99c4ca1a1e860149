#!/usr/bin/env bash
# OCSP answers per second from `certmint serve --status-listen` over
# kept-alive plain HTTP on 127.0.0.1 (issue 21), beside `openssl ocsp -index`
# as a responder on the same machine in the same run (the reference: the
# same library, no inventory, one process; and with -multi 2, one per core).
# Every run checks that no answer failed. Writes
# docs/performance-data/ocsp-load.json and re-renders docs/performance.md
# unless --no-report.
#   bench/ocsp.sh [--no-report]
# CERTMINT_BINARY=FILE and CERTMINT_OCSP_LOAD=FILE (bench/ocsp_load.cc built
# apart) use those instead of building build-bench.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
report=1
[ "${1:-}" = "--no-report" ] && report=0
build="$root/build-bench"
if [ -n "${CERTMINT_BINARY:-}" ] && [ -n "${CERTMINT_OCSP_LOAD:-}" ]; then
  certmint=$CERTMINT_BINARY
  load=$CERTMINT_OCSP_LOAD
else
  cmake -S "$root" -B "$build" -DCMAKE_BUILD_TYPE=Release -DCERTMINT_BUILD_BENCH=ON \
    -DCERTMINT_BUILD_TESTS=OFF >/dev/null
  cmake --build "$build" -j"$(nproc)" --target certmint certmint_ocsp_load >/dev/null
  certmint="$build/certmint"
  load="$build/bench/certmint_ocsp_load"
fi
work=$(mktemp -d /tmp/certmint-ocsp-XXXXXX)
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; rm -rf "$work"; }
trap cleanup EXIT
cd "$work"
echo ca-password-123 > ca.pass
"$certmint" ca init --dir pki --ca-password-file ca.pass >/dev/null
for n in node-1 node-2 node-3; do
  "$certmint" issue $n --dir pki --out certs --format pem --ca-password-file ca.pass >/dev/null
done
"$certmint" revoke node-2 --dir pki --reason key-compromise --yes >/dev/null 2>&1
# The request a Java client sends (one certificate, SHA-1 CertID), with a
# nonce as openssl sends it: each answer is signed afresh either way.
openssl ocsp -issuer pki/ca.crt -cert certs/node-1/node-1.crt -reqout req.der

clients=${CLIENTS:-8}
seconds=${SECONDS_PER_RUN:-10}
run() {  # label port pid [load flags]
  local label=$1 port=$2 pid=$3
  shift 3
  # A failed answer is counted in the JSON (and shown below), not fatal.
  timeout 120 "$load" "$port" req.der "$pid" --clients "$clients" --seconds "$seconds" "$@" \
    > "$label.json" || true
  echo "ocsp: $label: $(python3 -c "import json,sys; d=json.load(open(sys.argv[1])); \
print(f\"{d['per_second']:.0f} answers/s (p50 {d['p50_ms']:.2f} ms, p99 {d['p99_ms']:.2f} ms), \
{d['errors']} errors, {d['connections']} connections, server CPU {d['server_cpu_ms_per_answer']:.3f} ms/answer\")" "$label.json")"
}

# certmint serve, its status listener on an ephemeral port.
"$certmint" serve --dir pki --listen 127.0.0.1:0 --status-listen 127.0.0.1:0 --quiet \
  --ca-password-file ca.pass > serve.out 2> serve.err &
serve_pid=$!
pids+=("$serve_pid")
for _ in $(seq 100); do grep -q "status listener on" serve.out 2>/dev/null && break; sleep 0.1; done
port=$(sed -n 's|.*status listener on http://127.0.0.1:\([0-9]*\).*|\1|p' serve.out)
openssl ocsp -issuer pki/ca.crt -cert certs/node-1/node-1.crt -CAfile pki/ca.crt \
  -url "http://127.0.0.1:$port/ocsp" 2>&1 | grep -q "node-1.crt: good"
run certmint "$port" "$serve_pid"
kill "$serve_pid"; wait "$serve_pid" 2>/dev/null || true

# openssl ocsp -index: a delegated responder certificate from the same CA,
# the inventory as an OpenSSL CA database.
openssl ecparam -name prime256v1 -genkey -noout -out rsign.key
openssl req -new -key rsign.key -subj "/CN=openssl responder" -out rsign.csr
printf 'extendedKeyUsage=OCSPSigning\nbasicConstraints=critical,CA:FALSE\n' > rsign.ext
openssl x509 -req -in rsign.csr -CA pki/ca.crt -CAkey pki/ca.key -passin file:ca.pass \
  -CAcreateserial -days 2 -extfile rsign.ext -out rsign.crt 2>/dev/null
"$certmint" list --dir pki --all --json | python3 -c '
import json, sys, datetime
for r in json.load(sys.stdin):
    exp = datetime.datetime.strptime(r["not_after"], "%Y-%m-%dT%H:%M:%SZ").strftime("%y%m%d%H%M%SZ")
    serial = r["serial"].replace(":", "")
    name = r["name"]
    if r["status"] == "revoked":
        rev = datetime.datetime.strptime(r["revoked_at"], "%Y-%m-%dT%H:%M:%SZ").strftime("%y%m%d%H%M%SZ")
        print(f"R\t{exp}\t{rev},keyCompromise\t{serial}\tunknown\t/CN={name}")
    else:
        print(f"V\t{exp}\t\t{serial}\tunknown\t/CN={name}")
' > index.txt
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
reference() {  # label [openssl ocsp flags]
  local label=$1
  shift
  local p
  p=$(free_port)
  # In a process group of its own (job control on): -multi's parent
  # signals its whole group when it ends, which would end this script too.
  set -m
  openssl ocsp -index index.txt -port "$p" -rsigner rsign.crt -rkey rsign.key -CA pki/ca.crt \
    -nmin 5 "$@" > "$label.out" 2>&1 &
  pid=$!
  set +m
  pids+=("$pid")
  for _ in $(seq 50); do
    openssl ocsp -issuer pki/ca.crt -cert certs/node-1/node-1.crt -CAfile pki/ca.crt \
      -url "http://127.0.0.1:$p" 2>/dev/null | grep -q "node-1.crt: good" && break
    sleep 0.1
  done
  run "$label" "$p" "$pid" --path /
  kill "$pid" 2>/dev/null || true
  for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
}
reference openssl
reference openssl-multi2 -multi 2

mkdir -p "$root/docs/performance-data"
python3 - "$work" "$root/docs/performance-data/ocsp-load.json" "$(nproc)" "$(openssl version)" <<'PY'
import json, sys
work, out, cores, version = sys.argv[1:5]
runs = {l: json.load(open(f"{work}/{l}.json")) for l in ("certmint", "openssl", "openssl-multi2")}
runs["machine"] = {"cores": int(cores), "openssl": version}
json.dump(runs, open(out, "w"), indent=2)
c = runs["certmint"]["per_second"]
print(f"ocsp: certmint / openssl ocsp = {c / runs['openssl']['per_second']:.2f}, "
      f"certmint / openssl ocsp -multi 2 = {c / runs['openssl-multi2']['per_second']:.2f}")
PY
if [ $report = 1 ]; then
  d="$root/docs/performance-data"
  { read -r cores rss; read -r fsdesc; } < "$d/machine.txt" || true
  [ "${rss:-}" = - ] && rss=""
  python3 "$root/bench/report.py" "$d/results.csv" "$d/floor.json" "$cores" "${rss:-}" \
    "$root/docs/performance.md" "$work/plot.dat" "${fsdesc:-unknown}"
  echo "ocsp: wrote docs/performance.md"
fi
