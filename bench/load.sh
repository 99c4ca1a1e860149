#!/usr/bin/env bash
# Load test of the CA service (issue 7), bounded in count and time, on
# 127.0.0.1 only. Runs bench/enroll_load.cc against a real `certmint serve`:
#   1. nodes: every enrollment and renewal on a new verified TLS connection,
#      made by certmint's own client, as `certmint enroll` / `renew --server`
#      make them;
#   2. lean: a new TLS connection (full handshake) per enrollment too, from a
#      minimal client that spends less CPU on the cores the service shares;
#   3. keep-alive: enrollments over one connection per client, as a
#      provisioning system or proxy in front of the service would.
# Writes docs/performance-data/service-load.json and re-renders
# docs/performance.md from the kept data (unless --no-report).
#   bench/load.sh [--no-report]
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
report=1
[ "${1:-}" = "--no-report" ] && report=0

"$root/scripts/install-deps.sh"
build="$root/build-bench"
cmake -S "$root" -B "$build" -DCMAKE_BUILD_TYPE=Release -DCERTMINT_BUILD_BENCH=ON \
  -DCERTMINT_BUILD_TESTS=OFF >/dev/null
cmake --build "$build" -j"$(nproc)" --target certmint certmint_enroll_load >/dev/null
work=$(mktemp -d /tmp/certmint-load-XXXXXX)
trap 'rm -rf "$work"' EXIT

run() {  # label, then enroll_load flags
  local label=$1
  shift
  mkdir -p "$work/$label"
  # timeout: a hung run fails the benchmark instead of holding the machine.
  timeout 600 "$build/certmint_enroll_load" "$build/certmint" "$work/$label" "$@" \
    > "$work/$label.json"
  echo "load: $label: $(python3 -c "import json,sys; d=json.load(open(sys.argv[1])); \
e=d['enrollments']; r=d['renewals']; print(f\"{e['per_second']:.0f} enrollments/s \
(p50 {e['p50_ms']:.1f} ms, p99 {e['p99_ms']:.1f} ms), {r['per_second']:.0f} renewals/s, \
{e['errors']+r['errors']} errors, {d['duplicate_serials']} duplicate serials\")" "$work/$label.json")"
}
run nodes --enrollments 2000 --renewals 1000 --clients 8 --threads 8
run lean --enrollments 4000 --renewals 0 --clients 8 --threads 8 --lean
run keep-alive --enrollments 4000 --renewals 0 --clients 8 --threads 8 --keep-alive

mkdir -p "$root/docs/performance-data"
python3 - "$work" "$root/docs/performance-data/service-load.json" <<'PY'
import json, sys
work, out = sys.argv[1:3]
json.dump({label: json.load(open(f"{work}/{label}.json")) for label in ("nodes", "lean", "keep-alive")},
          open(out, "w"), indent=2)
PY
if [ $report = 1 ]; then
  d="$root/docs/performance-data"
  { read -r cores rss; read -r fsdesc; } < "$d/machine.txt" || true
  [ "${rss:-}" = - ] && rss=""
  python3 "$root/bench/report.py" "$d/results.csv" "$d/floor.json" "$cores" "${rss:-}" \
    "$root/docs/performance.md" "$work/plot.dat" "${fsdesc:-unknown}"
  echo "load: wrote docs/performance.md"
fi
