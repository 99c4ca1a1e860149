#!/usr/bin/env bash
# The dashboard with 10,000 identities (issue 24): an inventory made by
# `certmint apply` (PEM only; a tenth revoked), then
#   - `certmint report --html`: seconds and file size (median of RUNS);
#   - the page in headless Chromium: time until drawn, and filtering the
#     10,000-row table (the script's work and the layout it forces);
#   - `certmint serve --admin-listen`: /metrics scrapes, the first one (which
#     measures the inventory) and the cached ones (median, slowest).
#   bench/report.sh
# Writes docs/performance-data/dashboard.json, which bench/report.py renders
# into docs/performance.md. CERTMINT_BINARY=FILE (default build/certmint);
# N (default 10000); RUNS (default 3).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
certmint=${CERTMINT_BINARY:-$root/build/certmint}
n=${N:-10000}
runs=${RUNS:-3}
[ -x "$certmint" ] || { echo "report.sh: build first (make build): need $certmint" >&2; exit 2; }
work=$(mktemp -d /tmp/certmint-report-bench-XXXXXX)
serve_pid=""
cleanup() { [ -n "$serve_pid" ] && kill "$serve_pid" 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT
cd "$work"
export CERTMINT_CA_PASSWORD=ca-password-123
"$certmint" ca init --dir pki --subject "CN=Bench CA" >/dev/null
cat > cluster.yaml <<YAML
identities:
  - name: node-{n}
    count: $n
    dns: ["node-{n}.kafka.example.com"]
    formats: [pem]
YAML
t0=$(date +%s)
"$certmint" apply cluster.yaml --dir pki --out certs </dev/null >/dev/null
echo "inventory: $n identities by apply in $(( $(date +%s) - t0 )) s" >&2
failed=0
for i in $(seq 1 10 "$n"); do
  "$certmint" revoke "node-$i" --dir pki --reason superseded --yes </dev/null >/dev/null 2>revoke.err ||
    { failed=$((failed + 1)); cat revoke.err >&2; }
done
[ "$failed" -eq 0 ] || echo "report.sh: $failed revocations failed" >&2
PYTHONPATH="$root/tests/dashboard" /usr/bin/python3 - "$certmint" "$n" "$runs" \
  "$root/docs/performance-data/dashboard.json" <<'PY'
import http.client, json, os, re, statistics, subprocess, sys, time
import browser
certmint, n, runs, out = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
secs = []
for _ in range(runs):
    t = time.perf_counter()
    subprocess.run([certmint, "report", "--dir", "pki", "--html", "report.html"], check=True,
                   stdout=subprocess.DEVNULL)
    secs.append(time.perf_counter() - t)
size = os.path.getsize("report.html")
print(f"report: {statistics.median(secs):.2f} s, {size / 1e6:.2f} MB", file=sys.stderr)

driver = browser.start()
try:
    t = time.perf_counter()
    driver.get("file://" + os.path.abspath("report.html"))
    browser.wait_ready(driver, 120)
    drawn = time.perf_counter() - t
    shown = driver.find_element("id", "shown").text
    assert shown.startswith(f"{n} of {n} "), shown
    errors = browser.console_errors(driver)
    assert not errors, errors
    filters = []
    for q in ["node-4242", "node-1", "kafka", "revoked", "zzz-nothing", ""] * 3:
        filters.append(driver.execute_script(
            "var f = document.getElementById('filter'), t = performance.now();"
            "f.value = arguments[0]; f.dispatchEvent(new Event('input'));"
            "void document.body.offsetHeight;"  # the layout the change forces
            "return performance.now() - t;", q))
    show_all = driver.execute_script(
        "var t = performance.now(); document.getElementById('more').click();"
        "void document.body.offsetHeight; return performance.now() - t;")
finally:
    driver.quit()
print(f"page drawn in {drawn:.2f} s; filter median {statistics.median(filters):.1f} ms, "
      f"slowest {max(filters):.1f} ms; show all {show_all:.0f} ms", file=sys.stderr)

serve = subprocess.Popen([certmint, "serve", "--dir", "pki", "--listen", "127.0.0.1:0",
                          "--admin-listen", "127.0.0.1:0", "--quiet"], stdout=subprocess.PIPE,
                         stderr=subprocess.DEVNULL, text=True)
try:
    port = None
    while port is None:
        line = serve.stdout.readline()
        m = re.search(r"Admin listener on http://127\.0\.0\.1:(\d+)/", line)
        port = int(m.group(1)) if m else None
    scrapes = []
    for _ in range(51):
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        t = time.perf_counter()
        conn.request("GET", "/metrics")
        body = conn.getresponse().read()
        scrapes.append(time.perf_counter() - t)
        conn.close()
        time.sleep(0.02)
    assert b"certmint_inventory_up 1" in body
finally:
    serve.terminate()
    serve.wait(timeout=30)
cold, warm = scrapes[0], scrapes[1:]
print(f"/metrics: first {cold * 1000:.1f} ms, then median {statistics.median(warm) * 1000:.1f} ms,"
      f" slowest {max(warm) * 1000:.1f} ms", file=sys.stderr)
json.dump({"identities": n, "runs": runs, "report_seconds": statistics.median(secs),
           "report_bytes": size, "page_drawn_seconds": drawn,
           "filter_ms_median": statistics.median(filters), "filter_ms_max": max(filters),
           "show_all_ms": show_all,
           "metrics_first_ms": cold * 1000, "metrics_ms_median": statistics.median(warm) * 1000,
           "metrics_ms_max": max(warm) * 1000, "scrapes": len(scrapes)},
          open(out, "w"), indent=2)
PY
/usr/bin/python3 "$root/bench/dashboard_section.py" "$root/docs/performance-data/dashboard.json" \
  "$root/docs/performance.md"
echo "wrote docs/performance-data/dashboard.json and its section of docs/performance.md" >&2
