#!/usr/bin/env bash
# Runs every fuzz target for SECONDS each from its seed corpus (fuzz/corpus/)
# plus the inputs of past findings (fuzz/regressions/), new inputs kept in a
# scratch copy. A crashing input is saved under fuzz-findings/ (not committed;
# once fixed, add it to fuzz/regressions/TARGET/ with a unit test).
# Usage: scripts/run-fuzz.sh BUILD_DIR SECONDS
set -euo pipefail
build=${1:-build-fuzz}
secs=${2:-60}
root=$(cd "$(dirname "$0")/.." && pwd)
status=0
for t in ${FUZZ_TARGETS:-jks pkcs12 pem_der csr manifest crl request settings http}; do
  work=$(mktemp -d)
  cp -r "$root/fuzz/corpus/$t/." "$work/"
  if [[ -d "$root/fuzz/regressions/$t" ]]; then cp -r "$root/fuzz/regressions/$t/." "$work/"; fi
  mkdir -p "$root/fuzz-findings"
  echo "fuzz: $t for ${secs}s"
  if "$build/${t}_fuzz" -max_total_time="$secs" -max_len=65536 -rss_limit_mb=2048 \
      -print_final_stats=1 -artifact_prefix="$root/fuzz-findings/$t-" "$work" > "$work.log" 2>&1; then
    grep -E "stat::number_of_executed_units" "$work.log" | sed "s/^/fuzz: $t: /"
    echo "fuzz: $t: no crash"
  else
    echo "fuzz: $t: CRASH"; tail -40 "$work.log"; status=1
  fi
  rm -rf "$work" "$work.log"
done
exit $status
