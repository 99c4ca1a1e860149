// The crypto floor of one identity, and certmint's own in-memory cost, with
// Google Benchmark. The floor is what no tool can avoid for an identity with
// all three formats: key generation, one signature, and the key derivations
// the stores require (10,000 iterations each):
//   NAME.key (PKCS#8 PBES2)                    1 x PBKDF2-HMAC-SHA256
//   keystore.p12: key bag, cert safe           2 x PBKDF2-HMAC-SHA256
//                 MAC                          1 x PKCS#12 KDF (SHA-256)
//   truststore.p12: cert safe                  1 x PBKDF2-HMAC-SHA256
//                   MAC                        1 x PKCS#12 KDF (SHA-256)
//   JKS: SHA-1 keystream and digests           (negligible)
#include <benchmark/benchmark.h>
#include <openssl/evp.h>
#include <openssl/pkcs12.h>

#include <thread>

#include "ca/authority.h"
#include "identity/identity.h"
#include "stores/jks.h"
#include "stores/pkcs12.h"
#include "x509/issue.h"

namespace certmint {
namespace {

constexpr int kIter = kPkcs12Iterations;

void Pbkdf2() {
  unsigned char out[32];
  static const unsigned char salt[16] = {1};
  PKCS5_PBKDF2_HMAC("password-of-32-characters-long!!", 32, salt, sizeof(salt), kIter, EVP_sha256(),
                    sizeof(out), out);
  benchmark::DoNotOptimize(out);
}

void Pkcs12Kdf() {
  unsigned char out[32];
  static unsigned char salt[8] = {1};
  PKCS12_key_gen_utf8("password-of-32-characters-long!!", 32, salt, sizeof(salt), PKCS12_MAC_ID,
                      kIter, sizeof(out), out, EVP_sha256());
  benchmark::DoNotOptimize(out);
}

struct Ca {
  PrivateKey key = PrivateKey::Generate(DefaultKeySpec()).value();
  std::shared_ptr<const Signer> signer = MakeKeySigner(key);
  Certificate cert =
      SelfSignCa(*signer, CaProfile{DistinguishedName::CommonName("Bench CA").value(),
                                    3650,
                                    std::chrono::system_clock::now(),
                                    {}})
          .value();
};

const Ca& TheCa() {
  static const Ca ca;
  return ca;
}

void Floor(const KeySpec& spec) {
  auto key = PrivateKey::Generate(spec).value();
  LeafProfile p;
  p.subject = DistinguishedName::CommonName("node").value();
  auto cert = SignLeaf(TheCa().cert, *TheCa().signer, key.native(), p).value();
  benchmark::DoNotOptimize(cert.native());
  for (int i = 0; i < 4; ++i) {
    Pbkdf2();
  }
  for (int i = 0; i < 2; ++i) {
    Pkcs12Kdf();
  }
}

void BM_Pbkdf2Sha256_10k(benchmark::State& state) {
  for (auto _ : state) {
    Pbkdf2();
  }
}
BENCHMARK(BM_Pbkdf2Sha256_10k);

void BM_Pkcs12Kdf_10k(benchmark::State& state) {
  for (auto _ : state) {
    Pkcs12Kdf();
  }
}
BENCHMARK(BM_Pkcs12Kdf_10k);

void BM_KeygenEcP256(benchmark::State& state) {
  for (auto _ : state) {
    benchmark::DoNotOptimize(PrivateKey::Generate(DefaultKeySpec()).value().native());
  }
}
BENCHMARK(BM_KeygenEcP256);

void BM_KeygenRsa2048(benchmark::State& state) {
  for (auto _ : state) {
    benchmark::DoNotOptimize(
        PrivateKey::Generate(ParseKeySpec("rsa:2048").value()).value().native());
  }
}
// RSA key generation searches for random primes, so one key's time varies
// by about half its mean: both keygen benchmarks run for 5 s (on one thread).
BENCHMARK(BM_KeygenRsa2048)->Unit(benchmark::kMillisecond)->MinTime(5);

// For comparison: OpenSSL 3.0's own RSA key generation (FIPS 186-4 B.3.6,
// what EVP_PKEY_keygen and `openssl genpkey` do), which certmint does not use
// (keys/rsa_keygen.h).
void BM_OpenSslDefaultKeygenRsa2048(benchmark::State& state) {
  for (auto _ : state) {
    ossl::EvpPkeyPtr key(EVP_PKEY_Q_keygen(nullptr, nullptr, "RSA", static_cast<size_t>(2048)));
    benchmark::DoNotOptimize(key.get());
  }
}
BENCHMARK(BM_OpenSslDefaultKeygenRsa2048)->Unit(benchmark::kMillisecond)->MinTime(5);

// Run on one thread and on every hardware thread: the floor "spread over all
// cores" is the items_per_second of the all-threads run, which also counts
// what SMT siblings and shared caches take away.
void BM_FloorIdentityEcP256(benchmark::State& state) {
  TheCa();
  for (auto _ : state) {
    Floor(DefaultKeySpec());
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_FloorIdentityEcP256)
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime()
    ->Threads(1)
    ->Threads(static_cast<int>(std::thread::hardware_concurrency()));

void BM_FloorIdentityRsa2048(benchmark::State& state) {
  TheCa();
  for (auto _ : state) {
    Floor(ParseKeySpec("rsa:2048").value());
  }
  state.SetItemsProcessed(state.iterations());
}
// RSA key generation searches for random primes: one key's time varies by
// about half its mean, so the floor needs many keys (30 s is about 350 keys
// on 2 cores, a 3% standard error) and only the all-threads run, which is the
// floor the report uses.
BENCHMARK(BM_FloorIdentityRsa2048)
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime()
    ->Threads(static_cast<int>(std::thread::hardware_concurrency()))
    ->MinTime(30);

// certmint's whole in-memory work for an identity: issue, and encode every
// file of all three formats (no disk).
void Certmint(const KeySpec& spec, benchmark::State& state) {
  const SecretString password("password-of-32-characters-long!!");
  for (auto _ : state) {
    auto key = PrivateKey::Generate(spec).value();
    LeafProfile p;
    p.subject = DistinguishedName::CommonName("node").value();
    auto cert = SignLeaf(TheCa().cert, *TheCa().signer, key.native(), p).value();
    Identity id{"node", key, cert, {TheCa().cert}};
    benchmark::DoNotOptimize(key.ToEncryptedPkcs8Pem(password, {kNodeKeyIterations}).value());
    KeyStore ks = IdentityKeystore(id, "node");
    KeyStore ts = IdentityTruststore(id);
    benchmark::DoNotOptimize(WritePkcs12(ks, password, {}).value());
    benchmark::DoNotOptimize(WritePkcs12(ts, password, {}).value());
    benchmark::DoNotOptimize(WriteJks(ks, password, {}).value());
    benchmark::DoNotOptimize(WriteJks(ts, password, {}).value());
  }
}

void BM_CertmintIdentityEcP256(benchmark::State& state) { Certmint(DefaultKeySpec(), state); }
BENCHMARK(BM_CertmintIdentityEcP256)->Unit(benchmark::kMillisecond);

void BM_CertmintIdentityRsa2048(benchmark::State& state) {
  Certmint(ParseKeySpec("rsa:2048").value(), state);
}
BENCHMARK(BM_CertmintIdentityRsa2048)->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace certmint

BENCHMARK_MAIN();
