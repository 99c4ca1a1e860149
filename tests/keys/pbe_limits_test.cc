// KDF iteration counts are read from a key's or store's AlgorithmIdentifier
// and refused above the limits of keys/pbe_limits.h before anything is
// derived. The fixtures are made by the openssl CLI with small counts; the
// hostile counts are written into them afterwards (support/pbe_rewrite.h),
// since deriving 2^31 iterations to make a fixture would take minutes.
#include "keys/pbe_limits.h"

#include <gtest/gtest.h>
#include <openssl/evp.h>

#include "core/ossl.h"
#include "inspect/inspect.h"
#include "keys/private_key.h"
#include "stores/pkcs12.h"
#include "support/pbe_rewrite.h"
#include "support/process.h"
#include "support/temp_dir.h"

namespace certmint {
namespace {

using testing::RunProcess;

constexpr int64_t kHuge = int64_t{1} << 31;
const SecretString kPassword("changeit");

// `openssl genpkey` piped into `openssl pkcs8 -topk8 ARGS -passout
// pass:changeit`: an encrypted PKCS#8 PEM made by OpenSSL itself.
std::string OpensslEncryptedKey(const std::vector<std::string>& args) {
  testing::TempDir dir;
  auto gen = RunProcess({"openssl", "genpkey", "-algorithm", "EC", "-pkeyopt",
                         "ec_paramgen_curve:P-256", "-out", dir / "plain.pem"});
  EXPECT_EQ(gen.exit_code, 0) << gen.err;
  std::vector<std::string> argv{"openssl",         "pkcs8",    "-topk8",       "-in",
                                dir / "plain.pem", "-passout", "pass:changeit"};
  argv.insert(argv.end(), args.begin(), args.end());
  auto enc = RunProcess(argv);
  EXPECT_EQ(enc.exit_code, 0) << enc.err;
  return enc.out;
}

// openssl pkcs8 -topk8 -v2 aes-256-cbc -v2prf hmacWithSHA256 -iter 2048
std::string Pbes2Key() {
  return OpensslEncryptedKey({"-v2", "aes-256-cbc", "-v2prf", "hmacWithSHA256", "-iter", "2048"});
}

TEST(PbeLimitsTest, OpensslKeysWithOrdinaryCountsOpen) {
  for (const auto& args : std::vector<std::vector<std::string>>{
           {"-v2", "aes-256-cbc", "-v2prf", "hmacWithSHA256", "-iter", "2048"},
           {"-v1", "PBE-SHA1-3DES", "-iter", "2048"},
           {"-scrypt", "-scrypt_N", "1024", "-scrypt_r", "8", "-scrypt_p", "1"}}) {
    SCOPED_TRACE(args[1]);
    auto key = PrivateKey::FromPem(OpensslEncryptedKey(args), &kPassword);
    EXPECT_TRUE(key) << key.error().ToString();
  }
}

// One past the limit: today's reader would derive it (about a second) and
// then fail to decrypt; the limit refuses it by its count.
TEST(PbeLimitsTest, Pkcs8KeyOverTheLimitIsRefusedBeforeDecrypting) {
  const std::string pem = testing::EncryptedPkcs8WithIterations(Pbes2Key(), kMaxKdfIterations + 1);
  testing::ExpectRefusedCount(PrivateKey::FromPem(pem, &kPassword), kMaxKdfIterations + 1);
}

// 2^31 iterations (minutes of PBKDF2) in a PBES2 key and in a PKCS#12-PBE
// (PBE-SHA1-3DES) key: refused at once, by FromPem and by inspect.
TEST(PbeLimitsTest, AbsurdCountsInKeysAreRefusedWithoutDeriving) {
  for (const std::string& base :
       {Pbes2Key(), OpensslEncryptedKey({"-v1", "PBE-SHA1-3DES", "-iter", "2048"})}) {
    const std::string pem = testing::EncryptedPkcs8WithIterations(base, kHuge);
    testing::ExpectRefusedCount(PrivateKey::FromPem(pem, &kPassword), kHuge);
    // A PEM keystore (key and chain) reads its key through FromPem too.
    testing::ExpectRefusedCount(InspectData(pem, &kPassword, std::chrono::system_clock::now()),
                                kHuge);
  }
  // Described, not opened, without a password.
  auto described = InspectData(testing::EncryptedPkcs8WithIterations(Pbes2Key(), kHuge), nullptr,
                               std::chrono::system_clock::now());
  ASSERT_TRUE(described) << described.error().ToString();
  EXPECT_NE((*described)[0].key->encryption.find("2147483648 iterations"), std::string::npos);
}

TEST(PbeLimitsTest, ScryptCountsItsWork) {
  // N * r * p = 1024 * 8 * 1000: more work than the limit.
  ossl::X509AlgorPtr heavy(
      PKCS5_pbe2_set_scrypt(EVP_aes_256_cbc(), nullptr, 0, nullptr, 1024, 8, 1000));
  ASSERT_TRUE(heavy);
  auto r = PbeIterations(heavy.get());
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message().find("scrypt (N*r*p) iteration count 8192000 is above"),
            std::string::npos)
      << r.error().message();
  // OpenSSL's own defaults (N=16384, r=8, p=1).
  ossl::X509AlgorPtr usual(
      PKCS5_pbe2_set_scrypt(EVP_aes_256_cbc(), nullptr, 0, nullptr, 16384, 8, 1));
  EXPECT_EQ(PbeIterations(usual.get()).value_or(0), 16384 * 8);
}

TEST(PbeLimitsTest, UnknownOrMalformedSchemesAreRefused) {
  ossl::X509AlgorPtr rsa(X509_ALGOR_new());
  X509_ALGOR_set0(rsa.get(), OBJ_nid2obj(NID_rsaEncryption), V_ASN1_NULL, nullptr);
  EXPECT_FALSE(PbeIterations(rsa.get()));
  ossl::X509AlgorPtr bare(X509_ALGOR_new());
  X509_ALGOR_set0(bare.get(), OBJ_nid2obj(NID_pbes2), V_ASN1_NULL, nullptr);
  auto r = PbeIterations(bare.get());
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code(), ErrorCode::kInvalidData);
}

TEST(PbeLimitsTest, BudgetBoundsAFilesTotalWork) {
  KdfBudget budget;
  for (int i = 0; i < 4; ++i) {
    EXPECT_TRUE(budget.Spend(kMaxKdfIterations, "a bag"));
  }
  auto over = budget.Spend(1, "a bag");
  ASSERT_FALSE(over);
  EXPECT_NE(over.error().message().find("more than 20000000 KDF iterations in all"),
            std::string::npos)
      << over.error().message();
  EXPECT_FALSE(KdfBudget().Spend(0, "the MAC"));
  EXPECT_FALSE(KdfBudget().Spend(kMaxKdfIterations + 1, "the MAC"));
}

// What certmint writes stays within what it reads.
TEST(PbeLimitsTest, WritingOverTheLimitIsRefused) {
  auto key = PrivateKey::Generate(DefaultKeySpec()).value();
  auto pem = key.ToEncryptedPkcs8Pem(kPassword, Pkcs8Encryption{kMaxKdfIterations + 1});
  ASSERT_FALSE(pem);
  EXPECT_EQ(pem.error().code(), ErrorCode::kInvalidArgument);
}

// A PKCS#12 file made by `openssl pkcs12 -export -iter 2048` (PBES2 key bag
// and certificate safe, SHA-256 MAC), then given 2^31 iterations in one
// place at a time.
class Pkcs12LimitsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const std::string key = OpensslEncryptedKey({"-iter", "2048"});
    testing::WriteTextFile(dir_ / "key.pem", key);
    auto cert = RunProcess({"openssl", "req", "-x509", "-new", "-key", dir_ / "key.pem", "-passin",
                            "pass:changeit", "-subj", "/CN=limits", "-days", "2", "-out",
                            dir_ / "cert.pem"});
    ASSERT_EQ(cert.exit_code, 0) << cert.err;
    auto p12 = RunProcess({"openssl", "pkcs12", "-export", "-in", dir_ / "cert.pem", "-inkey",
                           dir_ / "key.pem", "-passin", "pass:changeit", "-passout",
                           "pass:changeit", "-iter", "2048", "-out", dir_ / "store.p12"});
    ASSERT_EQ(p12.exit_code, 0) << p12.err;
    der_ = testing::ReadTextFile(dir_ / "store.p12");
  }
  testing::TempDir dir_;
  std::string der_;
};

TEST_F(Pkcs12LimitsTest, AbsurdCountsAreRefusedWherePkcs12HasThem) {
  auto ok = ReadPkcs12(der_, &kPassword);
  ASSERT_TRUE(ok) << ok.error().ToString();
  EXPECT_EQ(ok->keys.size(), 1u);
  // The rewrite alone (MAC recomputed) changes nothing.
  ASSERT_TRUE(ReadPkcs12(testing::Pkcs12WithIterations(der_, "changeit", {}), &kPassword));

  const testing::Pkcs12Counts cases[] = {{kHuge, 0, 0}, {0, kHuge, 0}, {0, 0, kHuge}};
  const char* where[] = {"a shrouded key bag", "an encrypted safe", "the MAC"};
  for (size_t i = 0; i < 3; ++i) {
    SCOPED_TRACE(where[i]);
    auto r = ReadPkcs12(testing::Pkcs12WithIterations(der_, "changeit", cases[i]), &kPassword);
    testing::ExpectRefusedCount(r, kHuge);
    EXPECT_NE(r.error().ToString().find(where[i]), std::string::npos) << r.error().ToString();
  }
}

}  // namespace
}  // namespace certmint
