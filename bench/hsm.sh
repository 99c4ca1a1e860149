#!/usr/bin/env bash
# The CA key in a PKCS#11 token against the CA key in a file (issue 23): one
# run makes two CAs, one with its key in a SoftHSM2 token made in a temporary
# directory and one with the usual encrypted ca.key, then applies the same
# manifest of N EC P-256 identities (PEM, PKCS#12, JKS each) with each,
# RUNS times, alternating, every apply into an empty OUT. Prints each time
# and the ratio of the medians, and writes docs/performance-data/hsm.json,
# which bench/report.py renders into docs/performance.md.
#   bench/hsm.sh
# CERTMINT_BINARY=FILE (default build/certmint); N (default 1000); RUNS (default 3).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
certmint=${CERTMINT_BINARY:-$root/build/certmint}
n=${N:-1000}
runs=${RUNS:-3}
module=/usr/lib/softhsm/libsofthsm2.so
[ -x "$certmint" ] || { echo "hsm.sh: build first (make build): need $certmint" >&2; exit 2; }
[ -f "$module" ] || { echo "hsm.sh: needs softhsm2 (scripts/install-deps.sh)" >&2; exit 2; }
work=$(mktemp -d /tmp/certmint-hsm-XXXXXX)
trap 'rm -rf "$work"' EXIT
cd "$work"
mkdir tokens
printf 'directories.tokendir = %s/tokens\nobjectstore.backend = file\nlog.level = ERROR\n' \
  "$work" > softhsm2.conf
export SOFTHSM2_CONF=$work/softhsm2.conf CERTMINT_CONFIG=/dev/null
softhsm2-util --init-token --free --label bench --pin 1234 --so-pin 5678 >/dev/null
echo 1234 > pin
echo ca-password-123 > ca.pass
echo store-password > store.pass
chmod 600 pin ca.pass store.pass
"$certmint" ca init --dir pki-file --ca-password-file ca.pass >/dev/null
"$certmint" ca init --dir pki-token --pkcs11 'pkcs11:token=bench;object=certmint-ca' \
  --pkcs11-module "$module" --pin-file pin >/dev/null
cat > cluster.yaml <<YAML
identities:
  - name: node-{n}
    count: $n
    dns: ["node-{n}.bench.test"]
YAML
now_ms() { date +%s%3N; }
apply() {  # KIND: prints the wall-clock milliseconds of one apply into an empty OUT
  rm -rf "certs-$1"
  local secret=(--ca-password-file ca.pass)
  [ "$1" = token ] && secret=(--pin-file pin)
  local t0
  t0=$(now_ms)
  "$certmint" apply cluster.yaml --dir "pki-$1" --out "certs-$1" --password-file store.pass \
    "${secret[@]}" >/dev/null
  echo $(($(now_ms) - t0))
}
file_ms=()
token_ms=()
for i in $(seq "$runs"); do
  f=$(apply file)
  t=$(apply token)
  file_ms+=("$f")
  token_ms+=("$t")
  echo "run $i: $n identities, file key $f ms, token key $t ms"
done
openssl verify -CAfile pki-token/ca.crt "certs-token/node-1/node-1.crt" >/dev/null
out="$root/docs/performance-data/hsm.json"
python3 - "$out" "$n" "${file_ms[*]}" "${token_ms[*]}" <<'PY'
import json, os, statistics, sys
out, n, f, t = sys.argv[1], int(sys.argv[2]), sys.argv[3].split(), sys.argv[4].split()
f, t = [int(x) for x in f], [int(x) for x in t]
d = {"identities": n, "runs": len(f), "file_ms": f, "token_ms": t,
     "file_median_ms": statistics.median(f), "token_median_ms": statistics.median(t),
     "cores": os.cpu_count()}
d["ratio"] = d["token_median_ms"] / d["file_median_ms"]
json.dump(d, open(out, "w"), indent=2)
print(f"median: file key {d['file_median_ms']:.0f} ms, token key {d['token_median_ms']:.0f} ms,"
      f" ratio {d['ratio']:.3f} (goal: within 1.2)")
PY
d="$root/docs/performance-data"
if [ -f "$d/results.csv" ] && [ -f "$d/floor.json" ]; then
  { read -r cores rss; read -r fsdesc; } < "$d/machine.txt" || true
  [ "${rss:-}" = - ] && rss=""
  python3 "$root/bench/report.py" "$d/results.csv" "$d/floor.json" "$cores" "${rss:-}" \
    "$root/docs/performance.md" "$work/plot.dat" "${fsdesc:-unknown}"
  echo "hsm: wrote docs/performance.md"
fi
