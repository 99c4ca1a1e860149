#include <gtest/gtest.h>

#include "keys/key_spec.h"
#include "keys/private_key.h"

namespace certmint {
namespace {

TEST(KeySpecTest, ParsesEveryDocumentedType) {
  struct Case {
    const char* text;
    KeyAlgorithm alg;
    int bits;
    const char* curve;
  } cases[] = {
      {"rsa:2048", KeyAlgorithm::kRsa, 2048, ""}, {"rsa:3072", KeyAlgorithm::kRsa, 3072, ""},
      {"RSA:4096", KeyAlgorithm::kRsa, 4096, ""}, {"ec:p256", KeyAlgorithm::kEc, 0, "P-256"},
      {"ec:p384", KeyAlgorithm::kEc, 0, "P-384"}, {"ed25519", KeyAlgorithm::kEd25519, 0, ""},
  };
  for (const auto& c : cases) {
    auto spec = ParseKeySpec(c.text);
    ASSERT_TRUE(spec) << c.text;
    EXPECT_EQ(spec->algorithm, c.alg) << c.text;
    EXPECT_EQ(spec->rsa_bits, c.bits) << c.text;
    EXPECT_EQ(spec->curve, c.curve) << c.text;
    EXPECT_EQ(ParseKeySpec(spec->ToString()).value(), *spec) << "round trip " << c.text;
  }
  EXPECT_EQ(DefaultKeySpec().ToString(), "ec:p256");
}

TEST(KeySpecTest, RejectsUnknownWithTheAcceptedList) {
  for (const char* bad : {"rsa:1024", "rsa", "ec:p521", "dsa", "", "ed448"}) {
    auto spec = ParseKeySpec(bad);
    ASSERT_FALSE(spec) << bad;
    EXPECT_EQ(spec.error().code(), ErrorCode::kInvalidArgument);
    EXPECT_NE(spec.error().message().find("ec:p256"), std::string::npos);
  }
}

class KeyTypeTest : public ::testing::TestWithParam<const char*> {};

TEST_P(KeyTypeTest, GeneratesAndRoundTripsThroughEncryptedPkcs8) {
  auto spec = ParseKeySpec(GetParam()).value();
  auto key = PrivateKey::Generate(spec);
  ASSERT_TRUE(key);
  EXPECT_EQ(key->Spec(), spec);
  SecretString password("s3cret-pass");
  auto pem = key->ToEncryptedPkcs8Pem(password, Pkcs8Encryption{2048});
  ASSERT_TRUE(pem);
  EXPECT_NE(pem->find("BEGIN ENCRYPTED PRIVATE KEY"), std::string::npos);
  auto back = PrivateKey::FromPem(*pem, &password);
  ASSERT_TRUE(back) << back.error().ToString();
  EXPECT_EQ(PublicKeyFingerprint(back->native()), PublicKeyFingerprint(key->native()));

  SecretString wrong("wrong-pass");
  auto bad = PrivateKey::FromPem(*pem, &wrong);
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().code(), ErrorCode::kBadPassword);
  auto none = PrivateKey::FromPem(*pem, nullptr);
  ASSERT_FALSE(none);
  EXPECT_EQ(none.error().code(), ErrorCode::kBadPassword);

  auto der = key->ToPkcs8Der();
  ASSERT_TRUE(der);
  auto from_der = PrivateKey::FromPkcs8Der(der->reveal());
  ASSERT_TRUE(from_der);
  EXPECT_EQ(from_der->Spec(), spec);
}

INSTANTIATE_TEST_SUITE_P(AllTypes, KeyTypeTest,
                         ::testing::Values("rsa:2048", "ec:p256", "ec:p384", "ed25519"));

TEST(KeyTest, DescribesKeys) {
  EXPECT_EQ(PrivateKey::Generate(ParseKeySpec("ec:p384").value())->Describe().ToString(),
            "EC P-384");
  EXPECT_EQ(PrivateKey::Generate(ParseKeySpec("ed25519").value())->Describe().ToString(),
            "Ed25519");
  EXPECT_EQ(PrivateKey::Generate(ParseKeySpec("rsa:2048").value())->Describe().ToString(),
            "RSA 2048");
}

TEST(KeyTest, GarbageIsInvalidData) {
  auto r = PrivateKey::FromPem("-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n",
                               nullptr);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code(), ErrorCode::kInvalidData);
  EXPECT_FALSE(PrivateKey::FromPkcs8Der("not der"));
}

}  // namespace
}  // namespace certmint
