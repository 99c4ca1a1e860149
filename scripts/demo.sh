#!/usr/bin/env bash
# make demo: a CA and three Kafka broker identities under ./demo-pki, checked
# by the openssl CLI. Usage: scripts/demo.sh CERTMINT_BINARY OUT_DIR
set -euo pipefail
certmint=${1:-build/certmint}
out=${2:-demo-pki}

if [ -e "$out" ]; then
  echo "demo: removing the previous $out"
  rm -rf "$out"
fi
umask 077
mkdir -p "$out"

# A random CA password in a 0600 file: never on the command line.
head -c 24 /dev/urandom | base64 | tr -d '/+=' > "$out/ca-password"
chmod 600 "$out/ca-password"

"$certmint" ca init --dir "$out/ca" --subject "CN=Demo Kafka CA,O=certmint demo" \
  --ca-password-file "$out/ca-password"
echo
for n in 1 2 3; do
  "$certmint" issue "broker-$n" --dir "$out/ca" --out "$out" \
    --dns "broker-$n.kafka.demo" --ip "127.0.0.$n" --role both \
    --ca-password-file "$out/ca-password"
  echo
done

echo "Checking every chain with: openssl verify -x509_strict -purpose sslserver|sslclient"
for n in 1 2 3; do
  for purpose in sslserver sslclient; do
    openssl verify -x509_strict -purpose "$purpose" -CAfile "$out/ca/ca.crt" \
      "$out/broker-$n/broker-$n.crt" >/dev/null
  done
  echo "  broker-$n: OK"
done

cat <<EOT

Made under $out/:
  ca/ca.crt, ca/ca.key     the CA (key encrypted with the password in $out/ca-password)
  broker-N/                key, certificate, chain.pem, ca.crt and the generated store password

Look inside:
  $certmint inspect $out/broker-1/chain.pem
  $certmint inspect $out/broker-1/broker-1.key --password-file $out/broker-1/password
  openssl x509 -in $out/broker-1/broker-1.crt -noout -text
EOT
