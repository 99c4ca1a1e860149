#!/usr/bin/env bash
# Regenerates the seed corpora in fuzz/corpus/ with keytool, openssl and
# certmint. Every file's maker is the command next to it here.
# Usage: fuzz/make-corpus.sh CERTMINT_BINARY
set -euo pipefail
certmint=${1:?certmint binary}
root=$(cd "$(dirname "$0")" && pwd)
c="$root/corpus"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work"
rm -rf "$c" && mkdir -p "$c"/{jks,pkcs12,pem_der,csr,manifest,crl,request,settings,http,ocsp}
echo changeit > pw
echo ca-password > ca.pw
"$certmint" ca init --dir pki --ca-password-file ca.pw >/dev/null
"$certmint" issue node --dir pki --ip 10.0.0.1 --out out --password-file pw \
  --ca-password-file ca.pw >/dev/null

# jks: certmint's own, keytool's JKS and JCEKS (a key entry and CARoot)
cp out/node/keystore.jks "$c/jks/certmint-keystore.jks"
cp out/node/truststore.jks "$c/jks/certmint-truststore.jks"
for t in JKS JCEKS; do
  keytool -genkeypair -storetype $t -keystore kt.$t -storepass changeit -keypass changeit \
    -alias n -keyalg EC -dname CN=n >/dev/null 2>&1
  keytool -importcert -noprompt -storetype $t -keystore kt.$t -storepass changeit \
    -alias caroot -file pki/ca.crt >/dev/null 2>&1
  cp kt.$t "$c/jks/keytool.${t,,}"
done

# pkcs12: certmint modern and legacy, openssl -export, openssl -nokeys, keytool
cp out/node/keystore.p12 "$c/pkcs12/certmint-modern.p12"
cp out/node/truststore.p12 "$c/pkcs12/certmint-truststore.p12"
"$certmint" issue legacy --dir pki --p12-profile legacy --format p12 --out out \
  --password-file pw --ca-password-file ca.pw >/dev/null
cp out/legacy/keystore.p12 "$c/pkcs12/certmint-legacy.p12"
openssl pkcs12 -export -in out/node/chain.pem -inkey out/node/node.key -passin pass:changeit \
  -out "$c/pkcs12/openssl-export.p12" -passout pass:changeit
openssl pkcs12 -export -nokeys -in pki/ca.crt -out "$c/pkcs12/openssl-nokeys.p12" \
  -passout pass:changeit
keytool -genkeypair -storetype PKCS12 -keystore "$c/pkcs12/keytool.p12" -storepass changeit \
  -alias n -keyalg RSA -keysize 2048 -dname CN=n >/dev/null 2>&1

# pem_der: certificates, chains, keys, requests, PEM and DER
cp out/node/chain.pem "$c/pem_der/chain.pem"
cp out/node/node.key "$c/pem_der/encrypted-pkcs8.pem"
openssl x509 -in pki/ca.crt -outform DER -out "$c/pem_der/ca.der"
openssl genpkey -algorithm ed25519 -out "$c/pem_der/ed25519.pem"
openssl genrsa -traditional -out "$c/pem_der/rsa-traditional.pem" 1024 2>/dev/null
openssl req -new -key "$c/pem_der/ed25519.pem" -subj /CN=x -out "$c/pem_der/req.pem"

# KDF counts of 2^31-1 (issue 19 item 9): made with 8388608 iterations (the
# DER INTEGER 02 04 00 80 00 00), then patched to 02 04 7f ff ff ff; readers
# must refuse them by their count, before deriving (minutes) anything. The PEM
# store puts a decoy BEGIN line after an "x" before the hostile key.
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -subj /CN=k \
  -keyout kdf.raw -out kdf.crt 2>/dev/null
openssl pkcs8 -topk8 -in kdf.raw -v2 aes-256-cbc -iter 2048 -passout pass:changeit -out kdf.ok
openssl pkcs8 -topk8 -in kdf.raw -v2 aes-256-cbc -iter 8388608 -passout pass:changeit -out kdf.big
openssl pkcs12 -export -in kdf.crt -inkey kdf.raw -iter 8388608 -passout pass:changeit -out kdf.p12
python3 - "$c" <<'PY'
import base64, re, sys
out = sys.argv[1]
def patch(der):
    assert b"\x02\x04\x00\x80\x00\x00" in der
    return der.replace(b"\x02\x04\x00\x80\x00\x00", b"\x02\x04\x7f\xff\xff\xff")
pem = open("kdf.big").read()
body = re.search(r"-----BEGIN ENCRYPTED PRIVATE KEY-----\n(.*)-----END", pem, re.S).group(1)
b64 = base64.encodebytes(patch(base64.b64decode(body))).decode()
hostile = "-----BEGIN ENCRYPTED PRIVATE KEY-----\n" + b64 + "-----END ENCRYPTED PRIVATE KEY-----\n"
open(f"{out}/pem_der/kdf-2to31.pem", "w").write(hostile)
open(f"{out}/pem_der/kdf-2to31-decoy.pem", "w").write(
    "x" + open("kdf.ok").read() + hostile + open("kdf.crt").read())
open(f"{out}/pkcs12/kdf-2to31.p12", "wb").write(patch(open("kdf.p12", "rb").read()))
PY

# csr: openssl with SANs and CA:TRUE, keytool -certreq, certmint csr
openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout k.pem -subj /CN=a \
  -addext "subjectAltName=DNS:a.example,IP:10.0.0.9" -out "$c/csr/openssl-san.csr"
openssl req -new -key k.pem -subj /CN=ca -addext basicConstraints=critical,CA:TRUE \
  -outform DER -out "$c/csr/openssl-ca.der"
keytool -certreq -storetype JKS -keystore kt.JKS -storepass changeit -alias n \
  -file "$c/csr/keytool.csr" -ext SAN=dns:n.example >/dev/null 2>&1
"$certmint" csr c1 --dns c1.example --out csr --password-file pw >/dev/null
cp csr/c1.csr "$c/csr/certmint.csr"

# manifest: the example and a small one
cp "$root/../examples/kafka-cluster.yaml" "$c/manifest/kafka-cluster.yaml"
printf 'identities:\n  - name: n-{n}\n    count: 3\n    ip: [10.0.0.{n}]\n' > "$c/manifest/group.yaml"
cat > "$c/manifest/subject_alias.yaml" <<'YAML'
defaults:
  subject: "CN={name},OU=Kafka,O=Acme"
identities:
  - name: broker-{n}
    count: 3
    alias: "Broker-{n}"
  - name: app
    subject: "/O=Acme/CN=app"
    alias: app-key
YAML
# aliases, a key given twice, and a group past the names bound (issue 19)
cat > "$c/manifest/aliases.yaml" <<'YAML'
identities:
  - name: a
    dns: &shared [kafka.example, kafka-2.example]
    ip: &ips [10.0.0.1, "::1"]
  - name: b-{n}
    count: 2
    dns: *shared
    ip: *ips
YAML
printf 'identities:\n  - name: a\n    role: client\n    role: server\nidentities:\n  - name: b\n' \
  > "$c/manifest/duplicate_keys.yaml"
printf 'identities:\n  - name: a\n    dns: &d [a.x, b.x, c.x, d.x, e.x, f.x, g.x, h.x, i.x, j.x, k.x]\n  - name: n-{n}\n    count: 100000\n    dns: *d\n' \
  > "$c/manifest/alias_bomb.yaml"

# crl: certmint PEM and DER with a revoked entry
"$certmint" revoke node --dir pki --reason key-compromise >/dev/null
"$certmint" crl --dir pki --out "$c/crl/certmint.pem" --ca-password-file ca.pw >/dev/null
"$certmint" crl --dir pki --der --out "$c/crl/certmint.der" --ca-password-file ca.pw >/dev/null
# settings: certmint's kafka.properties and librdkafka.properties, and escapes
cp out/node/kafka.properties "$c/settings/kafka.properties"
cp out/node/librdkafka.properties "$c/settings/librdkafka.properties"
printf 'k\\=a=caf\\u00e9 \\uD83D\\uDD11\\\n    next\r\n! c\n#c\nb : \\t x \n' \
  > "$c/settings/escapes.properties"

# request: the CA service's bodies (first byte: 0 enroll, 1 renew), CSRs from
# certmint csr and openssl, the placeholder token request_fuzz.cc replaces.
"$certmint" csr node-1 --dns node-1.example --ip 10.0.0.1 --out req --password-file pw >/dev/null
"$certmint" csr node-r --out req --password-file pw >/dev/null
"$certmint" csr node-1 --dns evil.example --out req-evil --password-file pw >/dev/null
openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout req/ca.key \
  -subj /CN=node-1 -addext basicConstraints=critical,CA:TRUE -out req/ca.csr 2>/dev/null
python3 - "$c/request" <<'PY'
import json, sys
out = sys.argv[1]
tok = "cmt_" + "0" * 64
csr = open("req/node-1.csr").read()
bodies = {
    "enroll-ok": (0, {"token": tok, "name": "node-1", "csr": csr}),
    "enroll-extra-names": (0, {"token": tok, "name": "node-1", "csr": open("req-evil/node-1.csr").read()}),
    "enroll-ca": (0, {"token": tok, "name": "node-1", "csr": open("req/ca.csr").read()}),
    "enroll-unknown-field": (0, {"token": tok, "name": "node-1", "csr": csr, "role": "ca"}),
    "renew-ok": (1, {"csr": open("req/node-r.csr").read()}),
    "renew-other-name": (1, {"csr": csr}),
}
for name, (kind, body) in bodies.items():
    with open(f"{out}/{name}", "wb") as f:
        f.write(bytes([kind]) + json.dumps(body).encode())
with open(f"{out}/not-json", "wb") as f:
    f.write(b"\x00{\"token\": [1, {\"a\": null}], ")
PY
# http: what clients send inside TLS to the service's front (http_fuzz.cc):
# each route, pipelining, chunked with extensions and trailers, 100-continue,
# the refusals (no framing, too large, too many fields, two lengths).
python3 - "$c/http" "$c/request/enroll-ok" <<'PY'
import sys
out, enroll = sys.argv[1], open(sys.argv[2], "rb").read()[1:]
seeds = {
 "get-health": b"GET /v1/health HTTP/1.1\r\nHost: ca\r\n\r\n",
 "pipelined": b"GET /v1/ca HTTP/1.1\r\nHost: ca\r\n\r\nHEAD /v1/crl HTTP/1.1\r\nHost: ca\r\n\r\n"
              b"GET /v1/crl.pem?x=1 HTTP/1.1\r\nHost: ca\r\nConnection: close\r\n\r\n",
 "post-enroll": b"POST /v1/enroll HTTP/1.1\r\nHost: ca\r\nContent-Type: application/json; charset=utf-8\r\n"
                b"Content-Length: %d\r\n\r\n" % len(enroll) + enroll,
 "post-chunked": b"POST /v1/renew HTTP/1.1\r\nHost: ca\r\nTransfer-Encoding: chunked\r\nExpect: 100-continue\r\n\r\n"
                 b"5;ext=1\r\n{\"csr\r\n6\r\n\": \"x\"}\r\n0\r\nTrailer: t\r\n\r\n",
 "post-unframed": b"POST /v1/enroll HTTP/1.1\r\nHost: ca\r\n\r\n{}",
 "post-too-large": b"POST /v1/enroll HTTP/1.1\r\nHost: ca\r\nContent-Length: 99999999\r\n\r\n",
 "wrong-method": b"DELETE /v1/enroll HTTP/1.0\r\n\r\n",
 "obs-fold": b"GET /v2/x HTTP/1.1\r\nHost: ca\r\nX-A: one\r\n two\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\nab",
 "many-fields": b"GET /v1/health HTTP/1.1\r\n" + b"".join(b"X-%d: v\r\n" % i for i in range(70)) + b"\r\n",
}
for name, data in seeds.items():
    open(f"{out}/{name}", "wb").write(data)
PY
# ocsp: what the status listener reads (ocsp_fuzz.cc): openssl's requests
# (nonce, no nonce, SHA-256 CertIDs, two certificates, a serial only) in
# DER, one base64 and percent-encoded as in a GET's path, and a truncation.
openssl ocsp -issuer pki/ca.crt -cert out/node/node.crt -reqout "$c/ocsp/nonce.der"
openssl ocsp -issuer pki/ca.crt -cert out/node/node.crt -no_nonce -reqout "$c/ocsp/no-nonce.der"
openssl ocsp -issuer pki/ca.crt -sha256 -cert out/node/node.crt -reqout "$c/ocsp/sha256.der"
openssl ocsp -issuer pki/ca.crt -cert out/node/node.crt -cert pki/ca.crt -reqout "$c/ocsp/two.der"
openssl ocsp -issuer pki/ca.crt -serial 0x1234 -reqout "$c/ocsp/serial.der"
python3 - "$c/ocsp" <<'PY'
import base64, sys, urllib.parse
out = sys.argv[1]
der = open(f"{out}/nonce.der", "rb").read()
open(f"{out}/get-path", "wb").write(urllib.parse.quote(base64.b64encode(der).decode(), safe="").encode())
open(f"{out}/truncated.der", "wb").write(der[:-3])
PY
echo "corpus written to $c"
