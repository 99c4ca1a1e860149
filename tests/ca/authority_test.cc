#include "ca/authority.h"

#include <gtest/gtest.h>
#include <openssl/pem.h>

#include "core/fs.h"
#include "support/temp_dir.h"
#include "support/test_ca.h"

namespace certmint {
namespace {

using testing::FileMode;
using testing::ListDir;
using testing::TempDir;

CaInitOptions FastOptions() { return testing::FastCaOptions("Unit CA"); }

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
  EXPECT_TRUE(CertifiesSigner(loaded->certificate(), loaded->signer()));
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

  // Nor does a BEGIN ENCRYPTED line that starts no block make it pass: the
  // key block itself must be the encrypted one.
  testing::WriteTextFile(tmp / "pki/ca.key", "x-----BEGIN ENCRYPTED PRIVATE KEY-----\n" +
                                                 ossl::MemBioContents(bio.get()));
  auto decoy = CertificateAuthority::Load(tmp / "pki", SecretString("right-pass"));
  ASSERT_FALSE(decoy);
  EXPECT_NE(decoy.error().message().find("not an encrypted PKCS#8 key"), std::string::npos);
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

// The cross-certificate a rotation leaves: the new CA's name and key under
// the previous CA, for nothing but node certificates.
TEST(CertificateAuthorityTest, RotationLeavesACrossCertificate) {
  TempDir tmp;
  SecretString pw("ca-password-1");
  auto old = CertificateAuthority::Init(tmp.path(), FastOptions(), pw).value();
  CaInitOptions next = FastOptions();
  next.subject = DistinguishedName::Parse("CN=Unit CA 2").value();
  auto fresh = RotateCa(tmp.path(), next, pw, old).value();
  auto cross = Certificate::FromPem(fs::ReadFile(CrossCertificatePath(tmp.path())).value()).value();
  EXPECT_EQ(cross.Subject().ToString(), "CN=Unit CA 2");
  EXPECT_EQ(cross.Issuer().ToString(), "CN=Unit CA");
  EXPECT_TRUE(CertifiesSigner(cross, fresh.signer()));
  EXPECT_TRUE(cross.IsCa());
  EXPECT_EQ(X509_get_pathlen(cross.native()), 0);
  EXPECT_EQ(X509_verify(cross.native(), X509_get0_pubkey(old.certificate().native())), 1);
  EXPECT_LE(cross.NotAfter(), old.certificate().NotAfter());
  // Retiring the previous CA takes it along.
  ASSERT_TRUE(RetireCa(tmp.path(), std::chrono::system_clock::now()));
  EXPECT_FALSE(fs::Exists(CrossCertificatePath(tmp.path())));
}

TEST(CertificateAuthorityTest, RotationRefusesAnotherCa) {
  TempDir a, b;
  SecretString pw("ca-password-1");
  ASSERT_TRUE(CertificateAuthority::Init(a.path(), FastOptions(), pw));
  auto other = CertificateAuthority::Init(b.path(), FastOptions(), pw).value();
  const auto before = ListDir(a.path());
  auto r = RotateCa(a.path(), FastOptions(), pw, other);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(ListDir(a.path()), before);
  EXPECT_FALSE(RotationInProgress(a.path()));
}

}  // namespace
}  // namespace certmint
