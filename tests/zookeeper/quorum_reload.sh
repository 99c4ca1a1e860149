#!/usr/bin/env bash
# Issue 21, item 5: a live ZooKeeper 3.8 ensemble (3 servers on 127.0.0.1,
# quorum TLS, sslQuorumReloadCertFiles=true) whose stores are certmint's
# output directories picks up a renewed quorum certificate by itself: after
# `certmint renew`, server 1's election port presents the new serial, its
# log says it reset its SSL context, no watcher lost its directory, and the
# quorum stays up. Starts and stops everything itself in a temporary
# directory; fails (never skips) when ZooKeeper is missing.
# Usage: quorum_reload.sh CERTMINT_BINARY
set -euo pipefail
certmint=$1
zk_jar=/usr/share/java/zookeeper.jar
for jar in "$zk_jar" /usr/share/java/netty-codec.jar /usr/share/java/netty-resolver.jar \
  /usr/share/java/slf4j-simple.jar; do
  [ -f "$jar" ] || { echo "FAIL: $jar missing: run scripts/install-deps.sh (zookeeper, libnetty-java)"; exit 1; }
done
# Debian's zookeeper.jar names netty's buffer/handler/transport in its
# manifest, not the codec and resolver TLS needs.
cp="$zk_jar:/usr/share/java/netty-codec.jar:/usr/share/java/netty-resolver.jar:/usr/share/java/slf4j-simple.jar"

T=$(mktemp -d)
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  for p in "${pids[@]}"; do wait "$p" 2>/dev/null || true; done
  rm -rf "$T"
}
trap cleanup EXIT
cd "$T"

free_ports() {
  python3 -c 'import socket
ss=[socket.socket() for _ in range(9)]
[s.bind(("127.0.0.1",0)) for s in ss]
print(" ".join(str(s.getsockname()[1]) for s in ss))'
}
read -r -a ports <<<"$(free_ports)"

printf 'zk-test-ca-password\n' >ca.pass
printf 'zk-store-password\n' >store.pass
cat >cluster.yaml <<YAML
defaults:
  key_type: ec:p256
  formats: [pem, jks]
identities:
  - name: zk-{n}
    count: 3
    dns: [localhost]
    ip: [127.0.0.1]
YAML
"$certmint" apply cluster.yaml --dir pki --out certs --ca-password-file ca.pass \
  --password-file store.pass >/dev/null

servers=""
for i in 1 2 3; do
  q=${ports[$(((i - 1) * 3))]}
  e=${ports[$(((i - 1) * 3 + 1))]}
  servers+="server.$i=127.0.0.1:$q:$e"$'\n'
done
for i in 1 2 3; do
  mkdir -p "zk$i/data"
  echo "$i" >"zk$i/data/myid"
  cat >"zk$i/zoo.cfg" <<CFG
tickTime=500
initLimit=20
syncLimit=10
dataDir=$T/zk$i/data
clientPort=${ports[$(((i - 1) * 3 + 2))]}
clientPortAddress=127.0.0.1
admin.enableServer=false
4lw.commands.whitelist=srvr
sslQuorum=true
sslQuorumReloadCertFiles=true
ssl.quorum.keyStore.location=$T/certs/zk-$i/keystore.jks
ssl.quorum.keyStore.password=zk-store-password
ssl.quorum.keyStore.type=JKS
ssl.quorum.trustStore.location=$T/certs/zk-$i/truststore.jks
ssl.quorum.trustStore.password=zk-store-password
ssl.quorum.trustStore.type=JKS
ssl.quorum.hostnameVerification=false
$servers
CFG
  java -Xmx256m -cp "$cp" -Dorg.slf4j.simpleLogger.defaultLogLevel=info \
    -Dorg.slf4j.simpleLogger.log.org.apache.zookeeper.common.X509Util=debug \
    org.apache.zookeeper.server.quorum.QuorumPeerMain "zk$i/zoo.cfg" >"zk$i/log" 2>&1 &
  pids+=($!)
done

mode_of() {  # the srvr four-letter word on server $1's client port
  local port=${ports[$((($1 - 1) * 3 + 2))]}
  { exec 3<>"/dev/tcp/127.0.0.1/$port" && printf 'srvr' >&3 && timeout 5 cat <&3; } 2>/dev/null |
    sed -n 's/^Mode: //p'
}
quorum_up() {
  local modes=""
  for i in 1 2 3; do modes+="$(mode_of "$i") "; done
  [[ $modes == *leader* && $(grep -o follower <<<"$modes" | wc -l) -eq 2 ]]
}
wait_for() {  # wait_for SECONDS WHAT COMMAND...
  local deadline=$((SECONDS + $1)) what=$2
  shift 2
  until "$@"; do
    if [ $SECONDS -ge $deadline ]; then
      echo "FAIL: $what"
      for i in 1 2 3; do echo "--- zk$i log (tail)"; tail -n 30 "zk$i/log"; done
      exit 1
    fi
    sleep 0.5
  done
}
wait_for 90 "the TLS quorum did not form" quorum_up
echo "quorum up over TLS"

election=${ports[1]}
presented_serial() {  # the serial server 1 presents on its election port
  timeout 10 openssl s_client -connect "127.0.0.1:$election" -cert certs/zk-2/zk-2.crt \
    -key certs/zk-2/zk-2.key -pass file:store.pass -CAfile pki/ca.crt </dev/null 2>/dev/null |
    openssl x509 -noout -serial 2>/dev/null | sed 's/^serial=//'
}
file_serial() { openssl x509 -noout -serial -in certs/zk-1/zk-1.crt | sed 's/^serial=//'; }
old=$(file_serial)
wait_for 30 "server 1 does not present its certificate" test "$(presented_serial)" = "$old"
echo "server 1 presents serial $old"

"$certmint" renew zk-1 --dir pki --out certs --ca-password-file ca.pass \
  --password-file store.pass >/dev/null
new=$(file_serial)
[ "$new" != "$old" ] || { echo "FAIL: renew did not change the serial"; exit 1; }
wait_for 30 "server 1 still presents $old, not the renewed $new" test "$(presented_serial)" = "$new"
echo "server 1 presents the renewed serial $new, without a restart"

if grep -q "Watch key no longer valid" zk*/log; then
  echo "FAIL: a ZooKeeper file watcher lost its directory"
  grep -h "Watch key no longer valid" zk*/log
  exit 1
fi
grep -q "Attempting to reset default SSL context" zk1/log || {
  echo "FAIL: zk1's log does not say it reloaded its SSL context"
  exit 1
}
# A second renewal is seen too: the watcher still watches.
"$certmint" renew zk-1 --dir pki --out certs --ca-password-file ca.pass \
  --password-file store.pass >/dev/null
third=$(file_serial)
wait_for 30 "second renewal: server 1 still does not present $third" test "$(presented_serial)" = "$third"
wait_for 30 "the quorum fell apart after the renewals" quorum_up
for p in "${pids[@]}"; do kill -0 "$p" || { echo "FAIL: a ZooKeeper server died"; exit 1; }; done
echo "zookeeper quorum reload: ok"
