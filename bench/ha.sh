#!/usr/bin/env bash
# The CA service on PostgreSQL with 1, 2 and 3 replicas against the single
# SQLite service (issue 22), with the same load: bench/enroll_load.cc's
# "nodes" clients (certmint's own client, a new verified TLS connection per
# request), each given every replica's URL starting at a different one. A
# last run with three replicas SIGKILLs one of them during the enrollments.
# PostgreSQL is a throwaway server in a temporary directory (Unix socket,
# run as nobody when we are root; fsync on, as in production). Bounded:
# 600 enrollments and 300 renewals per run, 127.0.0.1 only.
# Writes docs/performance-data/ha.json and re-renders docs/performance.md
# (unless --no-report).
#   bench/ha.sh [--no-report] [BUILD_DIR]
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
report=1
[ "${1:-}" = "--no-report" ] && { report=0; shift; }
build=${1:-"$root/build-bench"}
if [ ! -x "$build/certmint_enroll_load" ]; then
  "$root/scripts/install-deps.sh"
  cmake -S "$root" -B "$build" -DCMAKE_BUILD_TYPE=Release -DCERTMINT_BUILD_BENCH=ON \
    -DCERTMINT_BUILD_TESTS=OFF >/dev/null
  cmake --build "$build" -j"$(nproc)" --target certmint certmint_enroll_load >/dev/null
fi
pgbin=/usr/lib/postgresql/15/bin
work=$(mktemp -d /tmp/certmint-ha-XXXXXX)
chmod 755 "$work"
as_pg=()
if [ "$(id -u)" = 0 ]; then
  as_pg=(setpriv --reuid=65534 --regid=65534 --clear-groups --)
  chown 65534:65534 "$work"
fi
pgpid=""
cleanup() {
  [ -n "$pgpid" ] && kill -INT "$pgpid" 2>/dev/null && wait "$pgpid" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT
"${as_pg[@]}" "$pgbin/initdb" -D "$work/data" -U certmint -A trust -E UTF8 --locale=C >/dev/null
"${as_pg[@]}" "$pgbin/postgres" -D "$work/data" -k "$work" -c listen_addresses= \
  -c max_connections=200 >"$work/pg.log" 2>&1 &
pgpid=$!
for _ in $(seq 100); do grep -q "ready to accept" "$work/pg.log" && break; sleep 0.1; done
mkdir -m 777 "$work/runs"

load="--enrollments 600 --renewals 300 --clients 8 --threads 4"
run() {  # label, then enroll_load flags
  local label=$1
  shift
  mkdir -p "$work/runs/$label"
  timeout 600 "$build/certmint_enroll_load" "$build/certmint" "$work/runs/$label" $load "$@" \
    > "$work/runs/$label.json"
  echo "ha: $label: $(python3 -c "import json,sys; d=json.load(open(sys.argv[1])); \
e=d['enrollments']; print(f\"{e['per_second']:.0f} enrollments/s (p50 {e['p50_ms']:.1f} ms, \
p99 {e['p99_ms']:.1f} ms), {e['server_cpu_ms_per_request']:.2f} ms server CPU ({e['database_cpu_ms_per_request']:.2f} in the database), \
{e['errors']+d['renewals']['errors']} errors, {d['duplicate_serials']} duplicates\")" \
    "$work/runs/$label.json")"
}
db() { "${as_pg[@]}" psql -XAtq "postgresql:///postgres?host=$work&user=certmint" \
  -c "CREATE DATABASE $1" >/dev/null; echo "postgresql:///$1?host=$work&user=certmint"; }
run sqlite-1
run postgresql-1 --inventory "$(db r1)"
run postgresql-2 --replicas 2 --inventory "$(db r2)"
run postgresql-3 --replicas 3 --inventory "$(db r3)"
run postgresql-3-kill --replicas 3 --inventory "$(db r3k)" --kill-after-ms 1500

mkdir -p "$root/docs/performance-data"
python3 - "$work/runs" "$root/docs/performance-data/ha.json" <<'PY'
import json, os, sys
runs, out = sys.argv[1:3]
labels = ("sqlite-1", "postgresql-1", "postgresql-2", "postgresql-3", "postgresql-3-kill")
data = {label: json.load(open(f"{runs}/{label}.json")) for label in labels}
data["machine"] = {"cores": os.cpu_count()}
json.dump(data, open(out, "w"), indent=2)
PY
if [ $report = 1 ]; then
  d="$root/docs/performance-data"
  { read -r cores rss; read -r fsdesc; } < "$d/machine.txt" || true
  [ "${rss:-}" = - ] && rss=""
  python3 "$root/bench/report.py" "$d/results.csv" "$d/floor.json" "$cores" "${rss:-}" \
    "$root/docs/performance.md" "$work/plot.dat" "${fsdesc:-unknown}"
  echo "ha: wrote docs/performance.md"
fi
