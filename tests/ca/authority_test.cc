#include "ca/authority.h"

#include <gtest/gtest.h>

#include <openssl/pem.h>

#include "core/fs.h"
#include "support/temp_dir.h"

namespace certmint {
namespace {

using testing::FileMode;
using testing::ListDir;
using testing::TempDir;

CaInitOptions FastOptions() {
  CaInitOptions o;
  o.subject = DistinguishedName::Parse("CN=Unit CA").value();
  o.kdf_iterations = 1000;  // the real count is covered by the CLI tests
  return o;
}

TEST(CertificateAuthorityTest, InitWritesPrivateEncryptedKeyAndLoads) {
  TempDir tmp;
  SecretString pw("ca-password-1");
  auto ca = CertificateAuthority::Init(tmp / "pki", FastOptions(), pw);
  ASSERT_TRUE(ca) << ca.error().ToString();
  EXPECT_EQ(FileMode(tmp / "pki"), 0700);
  EXPECT_EQ(FileMode(tmp / "pki/ca.key"), 0600);
  EXPECT_EQ(FileMode(tmp / "pki/ca.crt"), 0644);
  EXPECT_EQ(ListDir(tmp / "pki"), (std::vector<std::string>{"ca.crt", "ca.key"}));
  const std::string key_pem = testing::ReadTextFile(tmp / "pki/ca.key");
  EXPECT_NE(key_pem.find("BEGIN ENCRYPTED PRIVATE KEY"), std::string::npos);

  auto loaded = CertificateAuthority::Load(tmp / "pki", pw);
  ASSERT_TRUE(loaded) << loaded.error().ToString();
  EXPECT_EQ(loaded->certificate().Sha256Fingerprint(), ca->certificate().Sha256Fingerprint());
  EXPECT_TRUE(loaded->certificate().MatchesKey(loaded->key()));
}

TEST(CertificateAuthorityTest, RefusesToOverwrite) {
  TempDir tmp;
  SecretString pw("ca-password-1");
  ASSERT_TRUE(CertificateAuthority::Init(tmp.path(), FastOptions(), pw));
  const std::string before = testing::ReadTextFile(tmp / "ca.crt");
  auto again = CertificateAuthority::Init(tmp.path(), FastOptions(), pw);
  ASSERT_FALSE(again);
  EXPECT_EQ(again.error().code(), ErrorCode::kAlreadyExists);
  EXPECT_EQ(testing::ReadTextFile(tmp / "ca.crt"), before);

  // Half a CA (a key without certificate) also counts as existing.
  TempDir half;
  testing::WriteTextFile(half / "ca.key", "x");
  EXPECT_EQ(CertificateAuthority::Init(half.path(), FastOptions(), pw).error().code(),
            ErrorCode::kAlreadyExists);
}

TEST(CertificateAuthorityTest, ShortPasswordRefusedBeforeWriting) {
  TempDir tmp;
  auto r = CertificateAuthority::Init(tmp / "pki", FastOptions(), SecretString("short"));
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code(), ErrorCode::kInvalidArgument);
  EXPECT_FALSE(fs::Exists(tmp / "pki"));
}

TEST(CertificateAuthorityTest, LoadErrors) {
  TempDir tmp;
  auto missing = CertificateAuthority::Load(tmp / "none", SecretString("whatever1"));
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().code(), ErrorCode::kNotFound);
  EXPECT_NE(missing.error().message().find("no CA in"), std::string::npos);

  ASSERT_TRUE(CertificateAuthority::Init(tmp / "pki", FastOptions(), SecretString("right-pass")));
  auto wrong = CertificateAuthority::Load(tmp / "pki", SecretString("wrong-pass"));
  ASSERT_FALSE(wrong);
  EXPECT_EQ(wrong.error().code(), ErrorCode::kBadPassword);
  EXPECT_NE(wrong.error().message().find("wrong CA password"), std::string::npos);

  // A plaintext CA key is refused: certmint keeps CA keys encrypted at rest.
  auto key = PrivateKey::Generate(DefaultKeySpec()).value();
  ossl::BioPtr bio(BIO_new(BIO_s_mem()));
  PEM_write_bio_PrivateKey(bio.get(), key.native(), nullptr, nullptr, 0, nullptr, nullptr);
  testing::WriteTextFile(tmp / "pki/ca.key", ossl::MemBioContents(bio.get()));
  auto plain = CertificateAuthority::Load(tmp / "pki", SecretString("right-pass"));
  ASSERT_FALSE(plain);
  EXPECT_NE(plain.error().message().find("not an encrypted PKCS#8 key"), std::string::npos);
}

TEST(CertificateAuthorityTest, KeyOfAnotherCaIsRefused) {
  TempDir a, b;
  SecretString pw("ca-password-1");
  ASSERT_TRUE(CertificateAuthority::Init(a.path(), FastOptions(), pw));
  ASSERT_TRUE(CertificateAuthority::Init(b.path(), FastOptions(), pw));
  testing::WriteTextFile(a / "ca.key", testing::ReadTextFile(b / "ca.key"));
  auto r = CertificateAuthority::Load(a.path(), pw);
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message().find("does not belong to"), std::string::npos);
}

}  // namespace
}  // namespace certmint
