#!/usr/bin/env bash
# make demo: a whole Kafka cluster's identities from examples/kafka-cluster.yaml
# under ./demo-pki (a CA, 3 controllers, 6 brokers, 2 clients), every chain
# checked by the openssl CLI, then a second apply that changes nothing.
# Usage: scripts/demo.sh CERTMINT_BINARY OUT_DIR [MANIFEST]
set -euo pipefail
certmint=${1:-build/certmint}
out=${2:-demo-pki}
manifest=${3:-"$(dirname "$0")/../examples/kafka-cluster.yaml"}

if [ -e "$out" ]; then
  echo "demo: removing the previous $out"
  rm -rf "$out"
fi
umask 077
mkdir -p "$out"

# A random CA password in a 0600 file: never on the command line.
head -c 24 /dev/urandom | base64 | tr -d '/+=' > "$out/ca-password"

"$certmint" apply "$manifest" --dir "$out/ca" --out "$out" --ca-password-file "$out/ca-password"
echo

echo "Checking every chain with: openssl verify -x509_strict -purpose sslserver|sslclient"
count=0
for crt in "$out"/*/*.crt; do
  name=$(basename "$crt" .crt)
  [ "$name" = ca ] && continue
  purposes=sslclient
  if openssl x509 -in "$crt" -noout -ext extendedKeyUsage | grep -q "Server Authentication"; then
    purposes="sslserver sslclient"
  fi
  for purpose in $purposes; do
    openssl verify -x509_strict -purpose "$purpose" -CAfile "$out/ca/ca.crt" "$crt" >/dev/null
  done
  echo "  $name: OK ($purposes)"
  count=$((count + 1))
done
[ "$count" -ge 3 ] || { echo "demo: expected at least three identities" >&2; exit 1; }

echo
echo "Applying the same manifest again changes nothing (and needs no password):"
"$certmint" apply "$manifest" --dir "$out/ca" --out "$out" | tail -n 2

cat <<EOT

Made under $out/:
  ca/ca.crt, ca/ca.key   the CA (key encrypted with the password in $out/ca-password)
  broker-N/ ...          key, certificate, chain, JKS and PKCS#12 key and trust stores,
                         kafka.properties, librdkafka.properties, generated store password

Look inside:
  $certmint inspect $out/broker-1/chain.pem
  $certmint inspect $out/broker-1/keystore.jks --password-file $out/broker-1/password
  keytool -list -v -keystore $out/broker-1/keystore.p12 -storepass:file $out/broker-1/password
  cat $out/broker-1/kafka.properties
EOT
