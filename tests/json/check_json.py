#!/usr/bin/env python3
"""Every --json output of certmint against docs/json-schema.json (issue 20, item 12).

Usage: check_json.py CERTMINT SCHEMA

Runs each command that takes --json (found from `certmint`'s own command list
and each command's --help, so a new command with --json fails this test until
it is covered here and in the schema) on a fresh CA in a temporary directory:
successes, dry runs, refusals and errors. Each run's stdout must be exactly one
JSON document valid against the command's definition, and its exit code the
expected one. A real `certmint serve` on 127.0.0.1 (port 0) serves `enroll`, and
a real `openssl s_server` serves `probe`.
"""
import contextlib
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time

import jsonschema

CERTMINT, SCHEMA_PATH = os.path.abspath(sys.argv[1]), os.path.abspath(sys.argv[2])
with open(SCHEMA_PATH, encoding="utf-8") as f:
    SCHEMA = json.load(f)
jsonschema.Draft202012Validator.check_schema(SCHEMA)

ENV = dict(os.environ)
ENV["CERTMINT_CA_PASSWORD"] = "ca-password-for-the-json-test"
for var in ("CERTMINT_DIR", "CERTMINT_OUT", "CERTMINT_PASSWORD", "CERTMINT_TOKEN"):
    ENV.pop(var, None)

failures = []
covered = set()


def validator(definition):
    schema = dict(SCHEMA)
    schema["$ref"] = "#/$defs/" + definition
    return jsonschema.Draft202012Validator(schema)


def run(command, args, definition, exit_code=0, stdin=None):
    """Runs `certmint ARGS --json`; checks the exit code and the output."""
    argv = [CERTMINT] + args + ["--json"]
    p = subprocess.run(argv, env=ENV, capture_output=True, text=True, timeout=120, input=stdin)
    covered.add(command)
    where = " ".join(args)
    if p.returncode != exit_code:
        failures.append(f"{where}: exit {p.returncode}, expected {exit_code}\n{p.stderr}")
        return None
    try:
        doc = json.loads(p.stdout)
    except json.JSONDecodeError as e:
        failures.append(f"{where}: stdout is not one JSON document ({e}):\n{p.stdout}")
        return None
    errors = sorted(validator(definition).iter_errors(doc), key=lambda e: list(e.path))
    for e in errors[:5]:
        failures.append(f"{where}: against $defs/{definition}: {e.message} at "
                        f"{'/'.join(map(str, e.absolute_path))}")
    if definition == "error" and doc.get("error", {}).get("exit_code") != exit_code:
        failures.append(f"{where}: error.exit_code {doc['error'].get('exit_code')} is not "
                        f"the exit code {exit_code}")
    return doc


def json_commands():
    """Every command whose --help offers --json."""
    listing = subprocess.run([CERTMINT], env=ENV, capture_output=True, text=True).stdout
    names = []
    in_commands = False
    for line in listing.splitlines():
        if line.startswith("Commands:"):
            in_commands = True
            continue
        if in_commands:
            m = re.match(r"^  (\S+(?: [a-z-]+)?)\s{2,}", line)
            if not m:
                break
            names.append(m.group(1))
    assert len(names) > 20, listing
    out = set()
    for name in names:
        text = subprocess.run([CERTMINT] + name.split() + ["--help"], env=ENV,
                              capture_output=True, text=True).stdout
        if re.search(r"^\s+--json\b", text, re.M):
            out.add(name)
    return out


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for_line(proc, pattern, seconds=30):
    deadline = time.time() + seconds
    while time.time() < deadline:
        line = proc.stdout.readline()
        if not line:
            time.sleep(0.05)
            continue
        m = re.search(pattern, line)
        if m:
            return m
    raise RuntimeError(f"no line matching {pattern!r} within {seconds}s")


@contextlib.contextmanager
def throwaway_postgres():
    """A PostgreSQL server in a temporary directory (Unix socket only), as
    nobody when we are root; yields its URI, or None (a failure) without PostgreSQL."""
    bindir = "/usr/lib/postgresql/15/bin"
    if not os.path.exists(bindir + "/initdb"):
        failures.append(f"no {bindir}/initdb: scripts/install-deps.sh installs postgresql")
        yield None
        return
    d = tempfile.mkdtemp(prefix="certmint-json-pg-")
    as_user = []
    if os.geteuid() == 0:
        os.chown(d, 65534, 65534)
        as_user = ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", "--"]
    os.chmod(d, 0o755)
    subprocess.run(as_user + [bindir + "/initdb", "-D", d + "/data", "-U", "certmint", "-A",
                              "trust", "--no-sync", "-E", "UTF8", "--locale=C"],
                   check=True, capture_output=True)
    server = subprocess.Popen(as_user + [bindir + "/postgres", "-D", d + "/data", "-k", d, "-c",
                                         "listen_addresses=", "-c", "fsync=off"],
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        wait_for_line(server, r"ready to accept connections")
        yield f"postgresql:///postgres?host={d}&user=certmint"
    finally:
        server.send_signal(signal.SIGINT)
        server.wait(timeout=30)
        shutil.rmtree(d, ignore_errors=True)


def main():
    os.chdir(tempfile.mkdtemp(prefix="certmint-json-"))
    want = json_commands()

    # The CA, and what a second init says.
    ca = run("ca init", ["ca", "init", "--dir", "pki", "--subject", "CN=JSON Test CA"], "ca_init")
    run("ca init", ["ca", "init", "--dir", "pki", "--subject", "CN=Again"], "error", 4)

    # Identities: every format, and only PEM (the other files are null).
    issued = run("issue", ["issue", "broker-1", "--dir", "pki", "--out", "certs", "--dns",
                           "broker-1.kafka.test", "--ip", "10.0.0.1"], "identity")
    pem_only = run("issue", ["issue", "app", "--dir", "pki", "--out", "certs", "--role",
                             "client", "--format", "pem", "--key-type", "rsa:2048"], "identity")
    if pem_only and (pem_only["keystore_jks"] is not None or pem_only["key_type"] != "rsa:2048"):
        failures.append(f"issue --format pem: {pem_only}")
    if issued and issued["ip_addresses"] != ["10.0.0.1"]:
        failures.append(f"issue: ip_addresses {issued['ip_addresses']}")
    run("issue", ["issue", "broker-1", "--dir", "pki", "--out", "certs"], "error", 4)
    run("issue", ["issue", "x", "--dir", "pki", "--out", "certs", "--key-type", "dsa"], "error", 2)

    # apply: a plan, the run, a prune plan with an identity left out, a typo'd --dir.
    with open("cluster.yaml", "w", encoding="utf-8") as f:
        f.write("identities:\n"
                "  - name: broker-1\n    dns: [broker-1.kafka.test]\n    ip: [10.0.0.1]\n"
                "  - name: broker-2\n    role: server\n"
                "  - name: app\n    role: client\n    formats: [pem]\n    key_type: rsa:2048\n"
                "  - name: client-1\n    role: client\n")
    run("apply", ["apply", "cluster.yaml", "--dir", "pki", "--out", "certs", "--dry-run"], "apply")
    applied = run("apply", ["apply", "cluster.yaml", "--dir", "pki", "--out", "certs"], "apply")
    if applied and applied["summary"]["created"] != 2:
        failures.append(f"apply: summary {applied['summary']}")
    with open("smaller.yaml", "w", encoding="utf-8") as f:
        f.write("identities:\n  - name: broker-1\n    dns: [broker-1.kafka.test]\n"
                "    ip: [10.0.0.1]\n")
    run("apply", ["apply", "smaller.yaml", "--dir", "pki", "--out", "certs", "--dry-run",
                  "--prune"], "apply")
    refused = run("apply", ["apply", "cluster.yaml", "--dir", "pki-typo", "--out", "certs"],
                  "apply", 10)
    if refused and refused["refused"] is None:
        failures.append("apply with a typo'd --dir: refused is null")
    if os.path.exists("pki-typo"):
        failures.append("apply with a typo'd --dir created it")

    # The inventory.
    listed = run("list", ["list", "--dir", "pki"], "list")
    if listed and not any(r["days_left"] >= 364 and r["key_type"] == "ec:p256" for r in listed):
        failures.append(f"list: {listed}")
    run("list", ["list", "--dir", "pki", "--all"], "list")
    run("list", ["list", "--dir", "missing-pki"], "error", 3)

    # Renewal.
    run("renew", ["renew", "broker-1", "--dir", "pki", "--out", "certs"], "renew")
    run("renew", ["renew", "--expiring", "400", "--dir", "pki", "--out", "certs", "--dry-run"],
        "renew")
    run("renew", ["renew", "--expiring", "1", "--dir", "pki", "--out", "certs"], "renew")
    run("renew", ["renew", "nobody", "--dir", "pki", "--out", "certs"], "error", 3)

    # Revocation and the CRL.
    run("revoke", ["revoke", "client-1", "--dir", "pki", "--reason", "keyCompromise",
                   "--dry-run"], "revoke")
    revoked = run("revoke", ["revoke", "client-1", "--dir", "pki", "--reason",
                             "keyCompromise", "--yes"], "revoke")
    if revoked and (revoked["revocation_reason"] != "keyCompromise" or
                    revoked["revoked_at"] is None):
        failures.append(f"revoke: {revoked}")
    run("revoke", ["revoke", "client-1", "--dir", "pki", "--reason", "keyCompromise", "--yes"],
        "error", 4)
    run("crl", ["crl", "--dir", "pki", "--out", "crl.pem", "--dry-run"], "crl")
    run("crl", ["crl", "--dir", "pki", "--out", "crl.pem"], "crl")

    # Checks.
    checked = run("verify", ["verify", "certs/broker-1", "--host", "broker-1.kafka.test"],
                  "verify")
    if checked and not any(c["id"] == "certificate_validity" and c["subject"] == "CN=broker-1"
                           for c in checked["checks"]):
        failures.append("verify: no certificate_validity check for CN=broker-1")
    run("verify", ["verify", "certs/client-1", "--dir", "pki"], "verify", 2)
    run("verify", ["verify", "certs/nothing-here"], "error", 3)
    run("handshake", ["handshake", "--server", "certs/broker-1", "--client", "certs/app"],
        "handshake")
    run("handshake", ["handshake", "--server", "certs/broker-1", "--client", "certs/app",
                      "--host", "elsewhere.test"], "handshake", 2)
    run("inspect", ["inspect", "certs/broker-1/keystore.p12", "certs/broker-1/broker-1.crt",
                    "certs/broker-1/broker-1.key", "--password-file", "certs/broker-1/password"],
        "inspect")
    run("inspect", ["inspect", "certs/app/app.key", "certs/app/chain.pem"], "inspect")
    # A file that cannot be read has its own entry; the exit code is its error's.
    partly = run("inspect", ["inspect", "certs/app/app.crt", "no-such-file.pem"], "inspect", 3)
    if partly and (len(partly) != 2 or partly[1]["error"]["code"] != "not-found"):
        failures.append(f"inspect with a missing file: {partly}")

    # probe: a real TLS server.
    port = free_port()
    server = subprocess.Popen(
        ["openssl", "s_server", "-accept", f"127.0.0.1:{port}", "-cert",
         "certs/broker-2/broker-2.crt", "-key", "certs/broker-2/broker-2.key", "-pass",
         "file:certs/broker-2/password", "-cert_chain", "certs/broker-2/chain.pem", "-quiet",
         "-naccept", "4"], stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL)
    try:
        for _ in range(100):
            with socket.socket() as s:
                if s.connect_ex(("127.0.0.1", port)) == 0:
                    break
            time.sleep(0.1)
        probed = run("probe", ["probe", f"127.0.0.1:{port}", "--servername", "broker-2",
                               "--truststore", "certs/broker-1/truststore.p12",
                               "--password-file", "certs/broker-1/password"], "probe")
        if probed and probed["chain_trusted"] is not True:
            failures.append(f"probe: {probed}")
        unverified = run("probe", ["probe", f"127.0.0.1:{port}"], "probe")
        if unverified and unverified["chain_trusted"] is not None:
            failures.append(f"probe without --truststore: chain_trusted {unverified}")
    finally:
        server.kill()
        server.wait()
    run("probe", ["probe", f"127.0.0.1:{free_port()}", "--timeout", "2"], "error", 7)

    # Tokens, and an enrollment with one through a real service.
    token = run("token create", ["token", "create", "node-9", "--dir", "pki", "--dns",
                                 "node-9.kafka.test"], "token_create")
    run("token create", ["token", "create", "node-10", "--dir", "pki", "--out",
                         "node-10.token"], "token_create")
    run("token create", ["token", "create", "bad name!", "--dir", "pki"], "error", 2)
    run("token list", ["token", "list", "--dir", "pki"], "token_list")
    serve = subprocess.Popen([CERTMINT, "serve", "--dir", "pki", "--listen", "127.0.0.1:0"],
                             env=ENV, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                             text=True)
    try:
        url = wait_for_line(serve, r"listening on (https://\S+)").group(1)
        with open("node-9.token", "w", encoding="utf-8") as f:
            f.write(token["token"] + "\n")
        os.chmod("node-9.token", 0o600)
        enrolled = run("enroll", ["enroll", url, "--token-file", "node-9.token", "--name",
                                  "node-9", "--ca-fingerprint", ca["sha256_fingerprint"],
                                  "--out", "nodes", "--exec", "true"], "enrolled")
        if enrolled and [h["ok"] for h in enrolled["hooks"]] != [True]:
            failures.append(f"enroll --exec true: hooks {enrolled['hooks']}")
        if enrolled and enrolled["dns_names"] != ["node-9", "node-9.kafka.test"]:
            failures.append(f"enroll: {enrolled}")
        run("enroll", ["enroll", url, "--token-file", "node-9.token", "--name", "node-9",
                       "--ca-fingerprint", ca["sha256_fingerprint"], "--out", "again"],
            "error", 8)
    finally:
        serve.terminate()
        serve.wait(timeout=30)
    run("token list", ["token", "list", "--dir", "pki"], "token_list")

    # The inventory into PostgreSQL: a password in the URI is refused; with
    # a throwaway server, the copy.
    run("inventory migrate", ["inventory", "migrate", "--dir", "pki", "--to",
                              "postgresql://ca:secret@localhost/certmint"], "error", 2)
    with throwaway_postgres() as uri:
        if uri:
            run("inventory migrate", ["inventory", "migrate", "--dir", "pki", "--to", uri,
                                      "--no-switch"], "inventory_migrate")
    # The inventory report (issue 24): the enrolled node is in it.
    report = run("report", ["report", "--dir", "pki"], "inventory_report")
    if report and not any(c["name"] == "node-9" for c in report["certificates"]):
        failures.append(f"report: no node-9 in {report['certificates']}")
    run("report", ["report", "--dir", "missing-pki"], "error", 3)

    # Usage errors are JSON too.
    run("list", ["list", "--dri", "pki"], "error", 2)

    missing = want - covered
    if missing:
        failures.append("commands with --json this test does not run: " +
                        ", ".join(sorted(missing)))
    extra = covered - want
    if extra:
        failures.append("commands run here that have no --json: " + ", ".join(sorted(extra)))
    shutil.rmtree(os.getcwd(), ignore_errors=True)
    for f in failures:
        print("FAIL:", f)
    print(f"{len(covered)} commands checked, {len(failures)} failures")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
