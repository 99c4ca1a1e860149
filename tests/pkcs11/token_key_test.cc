// The PKCS#11 signer against a real SoftHSM2 token made for this test
// binary: every kind of signature a CA makes verifies with the token's
// public key, a signer outlives another on the same key, and the token's
// refusals are the documented error codes. One token per process: SoftHSM
// reads SOFTHSM2_CONF once, when the module is first loaded, and certmint
// keeps a module loaded for the process's life.
#include "pkcs11/token_key.h"

#include <gtest/gtest.h>
#include <openssl/ocsp.h>
#include <openssl/x509.h>

#include <cstdlib>
#include <filesystem>
#include <memory>

#include "support/process.h"
#include "support/temp_dir.h"
#include "x509/issue.h"

namespace certmint {
namespace {

constexpr const char* kModule = "/usr/lib/softhsm/libsofthsm2.so";

class TokenKeyTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new testing::TempDir();
    std::filesystem::create_directories(*dir_ / "tokens");
    testing::WriteTextFile(*dir_ / "softhsm2.conf", "directories.tokendir = " + (*dir_ / "tokens") +
                                                        "\nobjectstore.backend = file\n");
    ::setenv("SOFTHSM2_CONF", (*dir_ / "softhsm2.conf").c_str(), 1);
    auto r = testing::RunProcess({"softhsm2-util", "--init-token", "--free", "--label", "unit",
                                  "--pin", "1234", "--so-pin", "5678"});
    ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  }
  static void TearDownTestSuite() {
    delete dir_;
    dir_ = nullptr;
  }

  static TokenKeyRef Ref(const std::string& object, const std::string& token = "unit") {
    return TokenKeyRef{kModule, Pkcs11Uri{token, object, ""}};
  }

  static testing::TempDir* dir_;
};

testing::TempDir* TokenKeyTest::dir_ = nullptr;

TEST_F(TokenKeyTest, RefusalsAreTheDocumentedCodes) {
  TokenKeyRef ref = Ref("refusals");
  // The wrong PIN before any login: once a process is logged in, a token
  // answers C_Login with CKR_USER_ALREADY_LOGGED_IN without checking the PIN
  // (this test comes first in the file; ctest runs each test in its own
  // process).
  auto wrong = PrepareTokenKey(ref, DefaultKeySpec(), SecretString("9999"));
  ASSERT_FALSE(wrong.has_value());
  EXPECT_EQ(wrong.error().code(), ErrorCode::kBadPassword) << wrong.error().ToString();
  auto wrong_open = OpenTokenSigner(ref, SecretString("9999"));
  ASSERT_FALSE(wrong_open.has_value());
  EXPECT_EQ(wrong_open.error().code(), ErrorCode::kBadPassword);

  auto no_key = OpenTokenSigner(ref, SecretString("1234"));
  ASSERT_FALSE(no_key.has_value());
  EXPECT_EQ(no_key.error().code(), ErrorCode::kNotFound) << no_key.error().ToString();

  auto no_token = OpenTokenSigner(Ref("k", "absent"), SecretString("1234"));
  ASSERT_FALSE(no_token.has_value());
  EXPECT_EQ(no_token.error().code(), ErrorCode::kNotFound);
  EXPECT_NE(no_token.error().message().find("'unit'"), std::string::npos)
      << no_token.error().message();

  TokenKeyRef ed = Ref("ed");
  auto ed25519 = PrepareTokenKey(ed, ParseKeySpec("ed25519").value(), SecretString("1234"));
  ASSERT_FALSE(ed25519.has_value());
  EXPECT_EQ(ed25519.error().code(), ErrorCode::kInvalidArgument);

  TokenKeyRef missing{"/nonexistent/module.so", ref.uri};
  auto no_module = OpenTokenSigner(missing, SecretString("1234"));
  ASSERT_FALSE(no_module.has_value());
  EXPECT_EQ(no_module.error().code(), ErrorCode::kNotFound);
}

TEST_F(TokenKeyTest, SignsCertificatesCrlsAndOcspResponsesInTheToken) {
  for (const char* spec_text : {"ec:p256", "ec:p384", "rsa:2048"}) {
    SCOPED_TRACE(spec_text);
    TokenKeyRef ref = Ref(std::string("ca-") + spec_text);
    const KeySpec spec = ParseKeySpec(spec_text).value();
    auto made = PrepareTokenKey(ref, spec, SecretString("1234"));
    ASSERT_TRUE(made.has_value()) << made.error().ToString();
    EXPECT_TRUE(made->generated);
    EXPECT_EQ(ref.uri.id.size(), 16u);  // a random CKA_ID, now in the URI
    // Found, not made again.
    auto again = PrepareTokenKey(ref, spec, SecretString("1234"));
    ASSERT_TRUE(again.has_value());
    EXPECT_FALSE(again->generated);

    auto signer = OpenTokenSigner(ref, SecretString("1234"));
    ASSERT_TRUE(signer.has_value()) << signer.error().ToString();
    EXPECT_EQ((*signer)->Spec(), spec);
    CaProfile profile;
    profile.subject = DistinguishedName::Parse("CN=Token CA").value();
    auto ca = SelfSignCa(**signer, profile);
    ASSERT_TRUE(ca.has_value()) << ca.error().ToString();
    EXPECT_EQ(X509_verify(ca->native(), X509_get0_pubkey(ca->native())), 1);

    std::unique_ptr<X509_CRL, decltype(&X509_CRL_free)> crl(X509_CRL_new(), X509_CRL_free);
    X509_CRL_set_version(crl.get(), 1);
    X509_CRL_set_issuer_name(crl.get(), X509_get_subject_name(ca->native()));
    ASSERT_TRUE((*signer)->SignCrl(crl.get()).has_value());
    EXPECT_EQ(X509_CRL_verify(crl.get(), X509_get0_pubkey(ca->native())), 1);

    std::unique_ptr<OCSP_BASICRESP, decltype(&OCSP_BASICRESP_free)> bs(OCSP_BASICRESP_new(),
                                                                       OCSP_BASICRESP_free);
    ASSERT_TRUE((*signer)->SignOcspResponse(bs.get(), *ca).has_value());
    std::unique_ptr<X509_STORE, decltype(&X509_STORE_free)> store(X509_STORE_new(),
                                                                  X509_STORE_free);
    X509_STORE_add_cert(store.get(), ca->native());
    // The signature with the responder certificate the response carries
    // (its chain and EKU are the responder's business, not the signer's).
    EXPECT_EQ(OCSP_basic_verify(bs.get(), nullptr, store.get(), OCSP_NOVERIFY), 1);
  }
}

// A second signer on the same key (serve reloading its CA) keeps working
// after the first is gone, and the reverse.
TEST_F(TokenKeyTest, SignersOnOneKeyOutliveEachOther) {
  TokenKeyRef ref = Ref("shared");
  ASSERT_TRUE(PrepareTokenKey(ref, DefaultKeySpec(), SecretString("1234")).has_value());
  CaProfile profile;
  profile.subject = DistinguishedName::Parse("CN=Shared").value();
  auto first = OpenTokenSigner(ref, SecretString("1234")).value();
  auto second = OpenTokenSigner(ref, SecretString("1234")).value();
  first.reset();
  EXPECT_TRUE(SelfSignCa(*second, profile).has_value());
  auto third = OpenTokenSigner(ref, SecretString("1234")).value();
  second.reset();
  EXPECT_TRUE(SelfSignCa(*third, profile).has_value());
}

}  // namespace
}  // namespace certmint
