#!/usr/bin/env bash
# Reproduces docs/performance.md and docs/performance.png in one run:
#   bench/run.sh            # full: 10, 100, 1,000 identities, and peak RSS at 10,000
#   bench/run.sh --quick    # 10 and 100 identities, no 10,000 run
# Measured on this machine, in this run, side by side:
#   certmint apply (all formats)   vs
#   (a) the classic Kafka SSL recipe per node (keytool + openssl, seven commands)
#   (b) the openssl CLI per node
#   (c) the crypto floor: key generation + signing + the key derivations the
#       store formats need, on every core (bench/floor_bench.cc)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
quick=0
[ "${1:-}" = "--quick" ] && quick=1

"$root/scripts/install-deps.sh"
need=()
for p in libbenchmark-dev gnuplot-nox time bc; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || need+=("$p")
done
if [ ${#need[@]} -gt 0 ]; then
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null
fi

build="$root/build-bench"
cmake -S "$root" -B "$build" -DCMAKE_BUILD_TYPE=Release -DCERTMINT_BUILD_BENCH=ON \
  -DCERTMINT_BUILD_TESTS=OFF >/dev/null
cmake --build "$build" -j"$(nproc)" >/dev/null
certmint="$build/certmint"
work=$(mktemp -d /tmp/certmint-bench-XXXXXX)
trap 'rm -rf "$work"' EXIT
results="$work/results.csv"
echo "tool,key,n,seconds,user,system,writes,flushes" > "$results"
now() { date +%s.%N; }
cores=$(nproc)
echo "bench: $cores hardware threads; $(openssl version); $(java -version 2>&1 | head -1)"

# (c) The floor, and certmint's in-memory cost, from Google Benchmark.
"$build/certmint_floor_bench" --benchmark_filter='Floor|CertmintIdentityEc|KeygenRsa2048' --benchmark_format=json \
  --benchmark_min_time=2 --benchmark_repetitions=3 --benchmark_report_aggregates_only=true \
  > "$work/floor.json" 2>/dev/null

# The file system the timed runs write to, and its block device: ext4 with
# or without a journal behaves very differently under fsync, and the
# device's request counters show what each identity costs it.
fsdesc=$(findmnt -no FSTYPE -T "$work" 2>/dev/null || true)
src=$(findmnt -no SOURCE -T "$work" 2>/dev/null || true)
jt="/sys/fs/ext4/$(basename "${src:-none}")/journal_task"
if [ "$fsdesc" = ext4 ] && [ -r "$jt" ]; then
  if [ "$(cat "$jt")" = "<none>" ]; then fsdesc="ext4 without a journal"
  else fsdesc="ext4 with a journal"; fi
fi
devstat="/sys/class/block/$(basename "${src:-none}")/stat"
echo "bench: file system: ${fsdesc:-unknown}"
# Completed write requests and cache flushes of the device (fields 5 and 16
# of its stat file; empty when there is none, as on tmpfs).
device_io() { [ -r "$devstat" ] && awk '{print $5, $16}' "$devstat" || echo "- -"; }

# certmint apply, N identities, all formats: timed_apply TOOL KEY N PKI OUT
# times one apply of N new identities into OUT and records it as TOOL, with
# its user and system CPU and, on a device, the write requests and flushes
# issued meanwhile (the whole device's: nothing else should run).
head -c 24 /dev/urandom | base64 > "$work/ca.pass"
timed_apply() {
  local tool=$1 key=$2 n=$3 pki=$4 out=$5 t0 t1 w0 f0 w1 f1 writes="" flushes=""
  printf 'defaults:\n  key_type: %s\nidentities:\n  - name: node-{n}\n    count: %s\n' \
    "$key" "$n" > "$work/m.yaml"
  read -r w0 f0 < <(device_io)
  t0=$(now)
  /usr/bin/time -f "%U %S" -o "$work/cpu" "$certmint" apply "$work/m.yaml" --dir "$pki" \
    --out "$out" --ca-password-file "$work/ca.pass" >/dev/null
  t1=$(now)
  read -r w1 f1 < <(device_io)
  read -r user sys < "$work/cpu"
  if [ "$tool" = certmint ] && [ "$w0" != - ]; then
    writes=$((w1 - w0)) flushes=$((f1 - f0))
  fi
  echo "$tool,$key,$n,$(echo "$t1 - $t0" | bc -l),$user,$sys,$writes,$flushes" >> "$results"
  echo "bench: $tool apply $key x $n: $(echo "$t1 - $t0" | bc -l | cut -c1-6) s" \
    "(CPU: $user s user, $sys s system${writes:+; device: $writes writes, $flushes flushes})"
}
# Every run goes into a fresh directory, all removed at exit: deleting
# thousands of files just before a timed run makes ext4 skip the freshly
# freed inodes while allocating (without a journal, for minutes), which would
# charge one run's cleanup to the next. Each size runs three times (the
# report takes the median; this VM's run-to-run noise is about 5%), except
# RSA-2048 x 1,000, which takes about a minute and varies little.
# The 1,000 EC identities also run with the CA directory and the output on
# tmpfs (no device; fsync costs nothing), interleaved with the disk runs: the
# difference is what the file system and the disk take.
shm=""
if [ $quick = 0 ] && [ -d /dev/shm ] && [ -w /dev/shm ]; then
  shm=$(mktemp -d /dev/shm/certmint-bench-XXXXXX)
  trap 'rm -rf "$work" "$shm"' EXIT
  "$certmint" ca init --dir "$shm/pki" --key-type ec:p256 --ca-password-file "$work/ca.pass" >/dev/null
fi
sizes="10 100 1000"
[ $quick = 1 ] && sizes="10 100"
for key in ec:p256 rsa:2048; do
  tag=${key%%:*}
  "$certmint" ca init --dir "$work/pki-$tag" --key-type "$key" \
    --ca-password-file "$work/ca.pass" >/dev/null
  for n in $sizes; do
    reps=3
    [ "$key" = rsa:2048 ] && [ "$n" = 1000 ] && reps=1
    for r in $(seq $reps); do
      timed_apply certmint "$key" "$n" "$work/pki-$tag" "$work/out-$tag-$n-$r"
      if [ -n "$shm" ] && [ "$key" = ec:p256 ] && [ "$n" = 1000 ]; then
        timed_apply certmint-tmpfs ec:p256 1000 "$shm/pki" "$shm/out-$r"
      fi
    done
  done
done
[ -n "$shm" ] && rm -rf "$shm"

# (a) The classic Kafka SSL recipe (the keytool/openssl steps of Kafka's SSL guide), per node (a few nodes:
# each takes seconds). The CA is made once, outside the timing.
seed_nodes=3
for key in ec:p256 rsa:2048; do
  alg=$([ "$key" = ec:p256 ] && echo EC || echo RSA)
  d="$work/seed-$alg"
  mkdir -p "$d" && cd "$d"
  PASSWORD=test1234
  openssl req -new -x509 -keyout ca-key -out ca-cert -days 365 -passout pass:$PASSWORD \
    -subj /CN=seed-ca 2>/dev/null
  t0=$(now)
  for i in $(seq $seed_nodes); do
    CN=node-$i
    keytool -genkey -keyalg $alg -keystore $CN.keystore.jks -validity 365 -storepass $PASSWORD \
      -keypass $PASSWORD -alias $CN -dname CN=$CN >/dev/null 2>&1
    keytool -keystore $CN.truststore.jks -storepass $PASSWORD -alias CARoot -import \
      -file ca-cert -noprompt >/dev/null 2>&1
    keytool -keystore $CN.keystore.jks -certreq -file $CN.cert-file -alias $CN \
      -storepass $PASSWORD -keypass $PASSWORD >/dev/null 2>&1
    openssl x509 -req -CA ca-cert -CAkey ca-key -in $CN.cert-file -out $CN.cert-signed \
      -days 365 -CAcreateserial -passin pass:$PASSWORD 2>/dev/null
    keytool -keystore $CN.keystore.jks -alias CARoot -import -file ca-cert \
      -storepass $PASSWORD -keypass $PASSWORD -noprompt >/dev/null 2>&1
    keytool -keystore $CN.keystore.jks -alias $CN -import -file $CN.cert-signed \
      -storepass $PASSWORD -keypass $PASSWORD -noprompt >/dev/null 2>&1
  done
  t1=$(now)
  echo "seed,$key,$seed_nodes,$(echo "$t1 - $t0" | bc -l)" >> "$results"
  echo "bench: seed recipe $key x $seed_nodes: $(echo "$t1 - $t0" | bc -l | cut -c1-6) s"
  cd "$root"
done

# (b) The openssl CLI per node: key, CSR, signed certificate with SANs,
# encrypted PKCS#8 key, PKCS#12 keystore and truststore.
ossl_nodes=10
for key in ec:p256 rsa:2048; do
  d="$work/ossl-${key%%:*}"
  mkdir -p "$d" && cd "$d"
  if [ "$key" = ec:p256 ]; then gen=(-algorithm EC -pkeyopt ec_paramgen_curve:P-256); else
    gen=(-algorithm RSA -pkeyopt rsa_keygen_bits:2048); fi
  openssl req -new -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout ca.key \
    -out ca.crt -days 365 -subj /CN=ossl-ca 2>/dev/null
  echo "store-password" > pw
  t0=$(now)
  for i in $(seq $ossl_nodes); do
    n=node-$i
    openssl genpkey "${gen[@]}" -out $n.raw 2>/dev/null
    openssl req -new -key $n.raw -subj /CN=$n -out $n.csr 2>/dev/null
    printf 'subjectAltName=DNS:%s\nextendedKeyUsage=serverAuth,clientAuth\n' $n > $n.ext
    openssl x509 -req -in $n.csr -CA ca.crt -CAkey ca.key -CAcreateserial -days 365 \
      -extfile $n.ext -out $n.crt 2>/dev/null
    openssl pkcs8 -topk8 -in $n.raw -out $n.key -v2 aes-256-cbc -iter 10000 \
      -passout file:pw 2>/dev/null
    openssl pkcs12 -export -in $n.crt -inkey $n.raw -certfile ca.crt -name $n \
      -out $n.keystore.p12 -passout file:pw 2>/dev/null
    openssl pkcs12 -export -nokeys -in ca.crt -out $n.truststore.p12 -passout file:pw 2>/dev/null
  done
  t1=$(now)
  echo "openssl,$key,$ossl_nodes,$(echo "$t1 - $t0" | bc -l)" >> "$results"
  echo "bench: openssl CLI $key x $ossl_nodes: $(echo "$t1 - $t0" | bc -l | cut -c1-6) s"
  cd "$root"
done

# Peak RSS at 10,000 identities.
rss=""
if [ $quick = 0 ]; then
  printf 'identities:\n  - name: node-{n}\n    count: 10000\n' > "$work/m10k.yaml"
  /usr/bin/time -f "%M" -o "$work/rss" "$certmint" apply "$work/m10k.yaml" \
    --dir "$work/pki-ec" --out "$work/out-10k" --ca-password-file "$work/ca.pass" >/dev/null
  rss=$(cat "$work/rss")
  echo "bench: peak RSS for 10,000 identities: $rss KB"
fi

# The CA service's load test (writes docs/performance-data/service-load.json).
"$root/bench/load.sh" --no-report

# The raw measurements stay beside the report, so it can be re-rendered.
mkdir -p "$root/docs/performance-data"
cp "$results" "$work/floor.json" "$root/docs/performance-data/"
printf '%s %s\n%s\n' "$cores" "${rss:--}" "${fsdesc:-unknown}" > "$root/docs/performance-data/machine.txt"
python3 "$root/bench/report.py" "$results" "$work/floor.json" "$cores" "$rss" \
  "$root/docs/performance.md" "$work/plot.dat" "${fsdesc:-unknown}"
gnuplot -e "datafile='$work/plot.dat'; outfile='$root/docs/performance.png'" \
  "$root/bench/plot.gp"
echo "bench: wrote docs/performance.md and docs/performance.png"
