#!/usr/bin/env python3
"""`certmint report --html` in a real headless Chromium (issue 24).

Usage: report_browser.py CERTMINT SCREENSHOT_DIR

A fixture inventory made with certmint itself: identities of every role, one
in the renewal window, one renewed (superseded), one revoked, a token, and one
whose subject carries <script> and quotes. The page must render without a
console error (a Content-Security-Policy violation is one), show the counts
the fixture implies, draw one timeline mark per valid certificate, sort and
filter its table, and show the hostile subject as text without running it.
Screenshots go to SCREENSHOT_DIR (docs/img/report.png is one of them).
"""
import json
import os
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import browser  # noqa: E402

CERTMINT, SHOTS = os.path.abspath(sys.argv[1]), os.path.abspath(sys.argv[2])
ENV = dict(os.environ, CERTMINT_CA_PASSWORD="ca-password-for-the-report-test")
for var in ("CERTMINT_DIR", "CERTMINT_OUT", "CERTMINT_PASSWORD"):
    ENV.pop(var, None)
HOSTILE = "<script>window.pwned=1</script>\"q'uote&amp"
failures = []


def certmint(*args):
    p = subprocess.run([CERTMINT, *args], env=ENV, capture_output=True, text=True, timeout=60,
                       stdin=subprocess.DEVNULL)
    if p.returncode != 0:
        raise RuntimeError(f"certmint {' '.join(args)}: exit {p.returncode}\n{p.stderr}")
    return p.stdout


def check(cond, what):
    if not cond:
        failures.append(what)


def fixture():
    certmint("ca", "init", "--dir", "pki", "--subject", "CN=Report Test CA")
    for name, role in (("broker-1", "both"), ("broker-2", "server"), ("app", "client"),
                       ("admin-1", "admin"), ("gone", "both")):
        certmint("issue", name, "--dir", "pki", "--out", "certs", "--role", role,
                 "--format", "pem")
    certmint("issue", "soon", "--dir", "pki", "--out", "certs", "--role", "client", "--days",
             "10", "--format", "pem")
    certmint("issue", "evil", "--dir", "pki", "--out", "certs", "--format", "pem",
             "--subject", "CN=" + HOSTILE.replace(",", "\\,"))
    certmint("renew", "broker-1", "--dir", "pki", "--out", "certs")
    certmint("revoke", "gone", "--dir", "pki", "--reason", "keyCompromise", "--yes")
    certmint("token", "create", "node-9", "--dir", "pki", "--out", "node-9.token")


def table_names(driver):
    return driver.execute_script(
        "return Array.from(document.querySelectorAll('#certs tbody tr'))"
        ".filter(function (r) { return !r.hidden; })"
        ".map(function (r) { return r.cells[0].firstChild.textContent; });")


def check_page(driver):
    check(browser.console_errors(driver) == [], f"console errors: {browser.console_errors(driver)}")
    counts = {e.get_attribute("data-count"): int(e.find_element("css selector", "b").text)
              for e in driver.find_elements("css selector", "#counts .count")}
    check(counts == {"valid": 5, "expiring": 1, "expired": 0, "pending": 0, "revoked": 1,
                     "superseded": 1}, f"counts by status: {counts}")
    roles = {e.get_attribute("data-count"): int(e.find_element("css selector", "b").text)
             for e in driver.find_elements("css selector", "#roles .count")}
    check(roles == {"role-both": 3, "role-server": 1, "role-client": 2, "role-admin": 1},
          f"counts by role: {roles}")
    tokens = driver.find_element("css selector", "#tokens [data-count=token-unused] b").text
    check(tokens == "1", f"unused tokens: {tokens}")
    marks = driver.find_elements("css selector", "#timeline circle.mark")
    check(len(marks) == 6, f"{len(marks)} timeline marks for 6 valid certificates")
    check(len(driver.find_elements("css selector", "#timeline circle.mark.expiring")) == 1,
          "the certificate in the renewal window is not marked so")
    check(len(driver.find_elements("css selector", "#timeline rect.window")) == 1,
          "no renewal window on the timeline")
    revoked = [r.text for r in driver.find_elements("css selector", "#revoked tbody tr")]
    check(len(revoked) == 1 and "gone" in revoked[0] and "keyCompromise" in revoked[0],
          f"revoked table: {revoked}")


def check_table(driver):
    rows = table_names(driver)
    check(len(rows) == 7, f"{len(rows)} rows for 7 certificates")
    name = driver.find_element("css selector", "#certs th[data-key=name]")
    name.click()
    check(table_names(driver) == sorted(rows), f"sorted by name: {table_names(driver)}")
    name.click()
    check(table_names(driver) == sorted(rows, reverse=True),
          f"sorted by name, descending: {table_names(driver)}")
    driver.find_element("id", "filter").send_keys("broker")
    check(sorted(table_names(driver)) == ["broker-1", "broker-2"],
          f"filter 'broker': {table_names(driver)}")
    shown = driver.find_element("id", "shown").text
    check(shown == "2 of 7 shown", f"shown: {shown}")
    driver.find_element("id", "filter").clear()
    driver.execute_script("var s = document.getElementById('status-filter'); s.value = 'revoked';"
                          "s.dispatchEvent(new Event('change'));")
    driver.find_element("id", "filter").send_keys(" ")  # input event with an empty query
    check(table_names(driver) == ["gone"], f"status filter 'revoked': {table_names(driver)}")


def check_hostile(driver, html):
    check("<script>window.pwned" not in html, "the hostile subject is in the file unescaped")
    check(driver.execute_script("return window.pwned === undefined"),
          "the hostile subject's script ran")
    # The subject as the inventory holds it (RFC 4514 escapes: "\\<script\\>"),
    # every character of it shown as text, none of it made an element.
    report = json.loads(certmint("report", "--dir", "pki", "--json"))
    evil = next(c["subject"] for c in report["certificates"] if c["name"] == "evil")
    check("script" in evil and '"' in evil and "'" in evil, f"fixture subject: {evil}")
    subjects = [e.text for e in driver.find_elements("css selector", "#certs td .subject")]
    check(evil in subjects, f"the hostile subject not shown as text: {subjects}")
    check(driver.execute_script("return document.querySelectorAll('#certs script').length") == 0,
          "an element was made from the hostile subject")


def main():
    os.chdir(tempfile.mkdtemp(prefix="certmint-report-"))
    os.makedirs(SHOTS, exist_ok=True)
    fixture()
    print(certmint("report", "--dir", "pki", "--html", "report.html"), end="")
    with open("report.html", encoding="utf-8") as f:
        html = f.read()
    for needle in ("http://", "https://", "src=", "@import", "url("):
        check(needle not in html.replace("http://www.w3.org/2000/svg", ""),
              f"the page refers to something outside it: {needle}")
    driver = browser.start()
    try:
        driver.get("file://" + os.path.abspath("report.html"))
        browser.wait_ready(driver)
        check_page(driver)
        check_hostile(driver, html)
        browser.full_screenshot(driver, os.path.join(SHOTS, "report.png"))
        check_table(driver)
        driver.set_window_size(390, 844)  # a phone
        browser.full_screenshot(driver, os.path.join(SHOTS, "report-phone.png"))
        check(driver.execute_script(
            "return document.documentElement.scrollWidth <= window.innerWidth + 1"),
            "the page is wider than a phone's screen")
    finally:
        driver.quit()
    return browser.finish("report browser test", failures)


if __name__ == "__main__":
    sys.exit(main())
