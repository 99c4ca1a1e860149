#!/usr/bin/env python3
"""`certmint serve`'s /ui/, /v1/inventory and /metrics (issue 24, items 2-4).

Usage: service_dashboard.py CERTMINT SCREENSHOT_DIR REPO

A real service on 127.0.0.1 (port 0) with an admin listener, a node enrolled
through it, one refused enrollment. Then:
 - over HTTPS, /ui/, /v1/inventory and /metrics answer an admin client
   certificate (role admin) and show the enrolled node; no certificate, a
   client certificate without the role, and a revoked admin certificate get
   403 with nothing of the inventory;
 - the page from the admin listener, and the one fetched with the admin
   certificate, render in a real headless Chromium without console errors
   (the CSP header and meta must admit its own script) and list the node;
 - `promtool check metrics` accepts a scrape, whose counters say one
   enrollment issued and one refused (token_used);
 - `promtool check rules` accepts examples/prometheus/certmint-rules.yml, and
   every certmint_* name it and examples/grafana/certmint.json use is scraped;
 - --admin-listen refuses an address that is not loopback.
"""
import http.client
import json
import os
import re
import ssl
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import browser  # noqa: E402

CERTMINT, SHOTS, REPO = (os.path.abspath(a) for a in sys.argv[1:4])
ENV = dict(os.environ, CERTMINT_CA_PASSWORD="ca-password-for-the-dashboard-test")
for var in ("CERTMINT_DIR", "CERTMINT_OUT", "CERTMINT_PASSWORD", "CERTMINT_TOKEN"):
    ENV.pop(var, None)
failures = []


def check(cond, what):
    if not cond:
        failures.append(what)


def certmint(*args, code=0):
    p = subprocess.run([CERTMINT, *args], env=ENV, capture_output=True, text=True, timeout=60,
                       stdin=subprocess.DEVNULL)
    if p.returncode != code:
        raise RuntimeError(f"certmint {' '.join(args)}: exit {p.returncode}\n{p.stderr}")
    return p


def wait_for_line(proc, pattern, seconds=30):
    deadline = time.time() + seconds
    while time.time() < deadline:
        line = proc.stdout.readline()
        m = re.search(pattern, line or "")
        if m:
            return m
        if not line:
            time.sleep(0.05)
    raise RuntimeError(f"no line matching {pattern!r} within {seconds}s")


def https_get(port, path, identity=None):
    """GET over TLS, trusting the CA, with certs/IDENTITY's certificate."""
    ctx = ssl.create_default_context(cafile="pki/ca.crt")
    if identity:
        with open(f"certs/{identity}/password", encoding="utf-8") as f:
            password = f.read().strip()
        ctx.load_cert_chain(f"certs/{identity}/{identity}.crt", f"certs/{identity}/{identity}.key",
                            password=password)
    conn = http.client.HTTPSConnection("127.0.0.1", port, context=ctx, timeout=10)
    conn.request("GET", path)
    r = conn.getresponse()
    body = r.read().decode("utf-8", "replace")
    conn.close()
    return r.status, dict(r.getheaders()), body


def http_get(port, path):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    conn.request("GET", path)
    r = conn.getresponse()
    body = r.read().decode("utf-8", "replace")
    conn.close()
    return r.status, dict(r.getheaders()), body


def check_https_access(port):
    for path in ("/ui/", "/v1/inventory", "/metrics"):
        status, _, body = https_get(port, path, "admin-1")
        check(status == 200, f"admin {path}: {status} {body[:200]}")
        if path != "/metrics":
            check("node-7" in body, f"admin {path}: no node-7")
        for who in (None, "app"):
            status, _, body = https_get(port, path, who)
            check(status == 403, f"{who or 'no certificate'} {path}: {status}")
            check("node-7" not in body and "certificates" not in body and "certmint_" not in body,
                  f"{who or 'no certificate'} {path}: the refusal tells of the inventory: {body}")
    status, headers, body = https_get(port, "/ui/", "admin-1")
    check("script-src 'sha256-" in headers.get("Content-Security-Policy", ""),
          f"/ui/ without its CSP header: {headers}")
    with open("ui-mtls.html", "w", encoding="utf-8") as f:
        f.write(body)
    status, _, body = https_get(port, "/v1/inventory", "admin-1")
    inventory = json.loads(body)
    check(any(c["name"] == "node-7" and c["display_status"] == "valid"
              for c in inventory["certificates"]), "/v1/inventory: node-7 is not valid")


def check_page(driver, url, shot):
    driver.get(url)
    browser.wait_ready(driver)
    check(browser.console_errors(driver) == [], f"{url}: console errors "
          f"{browser.console_errors(driver)}")
    names = driver.execute_script("return Array.from(document.querySelectorAll("
                                  "'#certs tbody tr')).map(function (r) { return "
                                  "r.cells[0].firstChild.textContent; });")
    check("node-7" in names, f"{url}: node-7 not in the table {names}")
    marks = len(driver.find_elements("css selector", "#timeline circle.mark"))
    check(marks == 4, f"{url}: {marks} timeline marks for 4 valid certificates")
    if shot:
        browser.full_screenshot(driver, os.path.join(SHOTS, shot))


def metric(text, name, labels=""):
    m = re.search(r"^" + re.escape(name + labels) + r" (\S+)$", text, re.M)
    return float(m.group(1)) if m else None


def check_metrics(admin_port):
    # The inventory gauges are measured at most every 5 s, on a thread of
    # their own (the service measured them at start, before the enrollment):
    # scrape until they show it, 12 s at most.
    deadline = time.time() + 12
    while True:
        started = time.perf_counter()
        status, headers, text = http_get(admin_port, "/metrics")
        elapsed = time.perf_counter() - started
        if metric(text, "certmint_tokens", '{state="used"}') == 1 or time.time() > deadline:
            break
        time.sleep(0.5)
    check(status == 200 and headers.get("Content-Type", "").startswith("text/plain; version=0.0.4"),
          f"/metrics: {status} {headers}")
    p = subprocess.run(["promtool", "check", "metrics"], input=text, capture_output=True,
                       text=True, timeout=30)
    check(p.returncode == 0, f"promtool check metrics: {p.stdout}{p.stderr}")
    for name, labels, want in (
            ("certmint_enrollments_total", '{outcome="issued"}', 1),
            ("certmint_enrollments_total", '{outcome="refused"}', 1),
            ("certmint_refusals_total", '{endpoint="enroll",reason="token_used"}', 1),
            ("certmint_certificates", '{status="valid"}', 4),
            ("certmint_certificates", '{status="revoked"}', 1),
            ("certmint_tokens", '{state="used"}', 1),
            ("certmint_inventory_up", "", 1)):
        got = metric(text, name, labels)
        check(got == want, f"{name}{labels}: {got}, expected {want}")
    check((metric(text, "certmint_ca_expiry_seconds") or 0) > 3000 * 86400, "CA expiry seconds")
    check(0 < (metric(text, "certmint_certificate_earliest_expiry_seconds") or 0) < 366 * 86400,
          "earliest expiry seconds")
    check(metric(text, "certmint_request_duration_seconds_count", '{endpoint="enroll"}') == 2,
          "latency histogram count for enroll")
    print(f"/metrics scrape: {elapsed * 1000:.1f} ms")
    return text


def check_examples(scrape):
    rules = os.path.join(REPO, "examples/prometheus/certmint-rules.yml")
    p = subprocess.run(["promtool", "check", "rules", rules], capture_output=True, text=True,
                       timeout=30)
    check(p.returncode == 0, f"promtool check rules: {p.stdout}{p.stderr}")
    scraped = set(re.findall(r"^(certmint_[a-z_]+)", scrape, re.M))
    for path in (rules, os.path.join(REPO, "examples/grafana/certmint.json")):
        with open(path, encoding="utf-8") as f:
            text = f.read()
        if path.endswith(".json"):
            json.loads(text)
        used = set(re.findall(r"\b(certmint_[a-z_]+)", text))
        check(used, f"{path}: uses no certmint metric")
        unknown = sorted(u for u in used if u not in scraped)
        check(not unknown, f"{path}: names no scrape has: {unknown}")


def start_service():
    serve = subprocess.Popen([CERTMINT, "serve", "--dir", "pki", "--listen", "127.0.0.1:0",
                              "--admin-listen", "127.0.0.1:0"], env=ENV,
                             stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                             stderr=subprocess.DEVNULL, text=True)
    url = wait_for_line(serve, r"listening on (https://\S+)").group(1)
    admin_port = int(wait_for_line(serve, r"Admin listener on http://127\.0\.0\.1:(\d+)/").group(1))
    return serve, url, admin_port


def main():
    os.chdir(tempfile.mkdtemp(prefix="certmint-dashboard-"))
    os.makedirs(SHOTS, exist_ok=True)
    ca = json.loads(certmint("ca", "init", "--dir", "pki", "--subject", "CN=Dashboard CA",
                             "--json").stdout)
    for name, role in (("admin-1", "admin"), ("admin-2", "admin"), ("app", "client")):
        certmint("issue", name, "--dir", "pki", "--out", "certs", "--role", role, "--format", "pem")
    certmint("revoke", "admin-2", "--dir", "pki", "--reason", "keyCompromise", "--yes")
    certmint("token", "create", "node-7", "--dir", "pki", "--out", "node-7.token")
    p = certmint("serve", "--dir", "pki", "--listen", "127.0.0.1:0", "--admin-listen",
                 "0.0.0.0:0", code=2)
    check("loopback" in p.stderr, f"--admin-listen 0.0.0.0: {p.stderr}")
    serve, url, admin_port = start_service()
    port = int(url.rsplit(":", 1)[1].split("/")[0])
    try:
        enroll = ["enroll", url, "--token-file", "node-7.token", "--name", "node-7",
                  "--ca-fingerprint", ca["sha256_fingerprint"]]
        certmint(*enroll, "--out", "nodes")
        certmint(*enroll, "--out", "again", code=8)  # the token is used: refused
        check_https_access(port)
        status, _, body = https_get(port, "/ui/", "admin-2")
        check(status == 403 and "node-7" not in body, f"revoked admin /ui/: {status}")
        scrape = check_metrics(admin_port)
        check_examples(scrape)
        driver = browser.start()
        try:
            check_page(driver, f"http://127.0.0.1:{admin_port}/ui/", "ui.png")
            check_page(driver, "file://" + os.path.abspath("ui-mtls.html"), None)
        finally:
            driver.quit()
    finally:
        serve.terminate()
        try:
            serve.wait(timeout=30)
        except subprocess.TimeoutExpired:
            with open(f"/proc/{serve.pid}/status", encoding="utf-8") as f:
                state = [line.strip() for line in f if line.startswith(("State", "SigPnd", "ShdPnd"))]
            failures.append(f"certmint serve did not stop on SIGTERM within 30 s: {state}")
            serve.kill()
            serve.wait(timeout=30)
    return browser.finish("service dashboard test", failures)


if __name__ == "__main__":
    sys.exit(main())
