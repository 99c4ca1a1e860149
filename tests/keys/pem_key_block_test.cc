// Issue 19 item 9: the PEM block whose KDF cost is checked is the block that
// is decrypted. OpenSSL's PEM reader takes the first block whose BEGIN line
// starts a line; a decoy "-----BEGIN ENCRYPTED PRIVATE KEY-----" after an "x"
// on the first line is no block at all. The hostile counts are written into
// real keys afterwards (support/pbe_rewrite.h): deriving them would take
// minutes, which is the attack.
#include <gtest/gtest.h>

#include <chrono>

#include "keys/pbe_limits.h"
#include "keys/private_key.h"
#include "stores/pem_store.h"
#include "support/pbe_rewrite.h"
#include "support/process.h"
#include "support/temp_dir.h"

namespace certmint {
namespace {

using testing::RunProcess;

const SecretString kPassword("changeit1");

std::string BenignKey() {
  auto key = PrivateKey::Generate(KeySpec{KeyAlgorithm::kEc, 0, "P-256"});
  EXPECT_TRUE(key);
  auto pem = key->ToEncryptedPkcs8Pem(kPassword, {2048, Pkcs8Encryption::Scheme::kPbes2Aes256});
  EXPECT_TRUE(pem);
  return *pem;
}

// The reproduction's layout: "x", a benign key (its BEGIN line starts with
// the "x", so it is no block), the hostile key (the first real block), and
// whatever follows.
std::string DecoyLayout(int64_t hostile_iterations, const std::string& tail = "") {
  return "x" + BenignKey() +
         testing::EncryptedPkcs8WithIterations(BenignKey(), hostile_iterations) + tail;
}

// One past the limit: the old check looked at the decoy, then OpenSSL derived
// the real block's 5,000,001 iterations and failed to decrypt it (a
// wrong-password error after a second); now the real block's count refuses it.
TEST(PemKeyBlockTest, DecoyBeforeTheKeyDoesNotHideItsCount) {
  const std::string pem = DecoyLayout(kMaxKdfIterations + 1);
  testing::ExpectRefusedCount(PrivateKey::FromPem(pem, &kPassword), kMaxKdfIterations + 1);
}

// 2^31 iterations (minutes of PBKDF2) behind the decoy, as a PEM store with a
// certificate after it: refused by its count in far less time than deriving
// even the limit's count would take.
TEST(PemKeyBlockTest, HugeCountBehindADecoyIsRefusedWithoutDeriving) {
  constexpr int64_t kHuge = int64_t{1} << 31;
  const std::string pem = DecoyLayout(kHuge);
  const auto start = std::chrono::steady_clock::now();
  testing::ExpectRefusedCount(PrivateKey::FromPem(pem, &kPassword), kHuge);
  testing::ExpectRefusedCount(ReadPemStore(pem, &kPassword), kHuge);
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(1));
}

TEST(PemKeyBlockTest, FindsTheBlockTheReaderReads) {
  const auto info = FindPemPrivateKey("x" + BenignKey());
  EXPECT_FALSE(info) << "a BEGIN line that does not start a line is no block";
  auto key = PrivateKey::Generate(KeySpec{KeyAlgorithm::kEc, 0, "P-256"});
  ASSERT_TRUE(key);
  auto plain = key->ToPkcs8Pem();
  ASSERT_TRUE(plain);
  // A plain key hidden behind an encrypted-looking decoy is still plain.
  const std::string text = "x" + BenignKey() + *plain;
  const auto found = FindPemPrivateKey(text);
  ASSERT_TRUE(found);
  EXPECT_EQ(found->label, "PRIVATE KEY");
  EXPECT_FALSE(found->encrypted);
  EXPECT_TRUE(HasPlainPrivateKey(text));
  EXPECT_TRUE(PrivateKey::FromPem(text, nullptr));
  // And the other way round: the decoy "PRIVATE KEY" text is not the key.
  EXPECT_FALSE(HasPlainPrivateKey("x" + *plain + BenignKey()));
  Cleanse(*plain);
}

TEST(PemKeyBlockTest, PemProfileIsTheRealBlocks) {
  auto key = PrivateKey::Generate(KeySpec{KeyAlgorithm::kEc, 0, "P-256"});
  ASSERT_TRUE(key);
  auto java =
      key->ToEncryptedPkcs8Pem(kPassword, {2048, Pkcs8Encryption::Scheme::kPkcs12TripleDes});
  ASSERT_TRUE(java);
  EXPECT_EQ(PemProfileOf(*java), PemProfile::kJava);
  EXPECT_EQ(PemProfileOf("x" + BenignKey() + *java), PemProfile::kJava);
  EXPECT_EQ(PemProfileOf("x" + *java + BenignKey()), PemProfile::kModern);
}

// Traditional keys with legacy PEM encryption ("Proc-Type: 4,ENCRYPTED",
// EVP_BytesToKey: one MD5 round, no count to raise) are still read, and
// still need their password.
TEST(PemKeyBlockTest, LegacyEncryptedTraditionalKeys) {
  testing::TempDir dir;
  auto gen = RunProcess({"openssl", "ecparam", "-name", "prime256v1", "-genkey", "-noout", "-out",
                         dir / "plain.pem"});
  ASSERT_EQ(gen.exit_code, 0) << gen.err;
  auto enc = RunProcess(
      {"openssl", "ec", "-in", dir / "plain.pem", "-aes256", "-passout", "pass:changeit1"});
  ASSERT_EQ(enc.exit_code, 0) << enc.err;
  ASSERT_NE(enc.out.find("Proc-Type: 4,ENCRYPTED"), std::string::npos) << enc.out;
  EXPECT_TRUE(PrivateKey::FromPem(enc.out, &kPassword));
  auto none = PrivateKey::FromPem(enc.out, nullptr);
  ASSERT_FALSE(none);
  EXPECT_EQ(none.error().code(), ErrorCode::kBadPassword);
  const SecretString wrong("wrong-password");
  auto bad = PrivateKey::FromPem(enc.out, &wrong);
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().code(), ErrorCode::kBadPassword);
  EXPECT_FALSE(HasPlainPrivateKey(enc.out));
  EXPECT_TRUE(HasPlainPrivateKey(testing::ReadTextFile(dir / "plain.pem")));
  EXPECT_TRUE(PrivateKey::FromPem(testing::ReadTextFile(dir / "plain.pem"), nullptr));
}

TEST(PemKeyBlockTest, CertificatesBeforeTheKeyAreSkipped) {
  testing::TempDir dir;
  auto gen =
      RunProcess({"openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256",
                  "-nodes", "-subj", "/CN=x", "-keyout", dir / "k.pem", "-out", dir / "c.pem"});
  ASSERT_EQ(gen.exit_code, 0) << gen.err;
  const std::string text =
      testing::ReadTextFile(dir / "c.pem") + testing::ReadTextFile(dir / "k.pem");
  EXPECT_TRUE(PrivateKey::FromPem(text, nullptr));
  auto none = PrivateKey::FromPem(testing::ReadTextFile(dir / "c.pem"), nullptr);
  ASSERT_FALSE(none);
  EXPECT_EQ(none.error().code(), ErrorCode::kInvalidData);
}

}  // namespace
}  // namespace certmint
