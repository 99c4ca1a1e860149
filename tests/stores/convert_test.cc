#include "stores/convert.h"

#include <gtest/gtest.h>

#include "stores/store_fixture.h"
#include "support/temp_dir.h"

namespace certmint {
namespace {

using testing::StoreFixture;
using testing::TempDir;

ConvertPasswords Passwords(const char* in, const char* out) {
  ConvertPasswords p;
  if (in != nullptr) {
    p.in.emplace(in);
  }
  if (out != nullptr) {
    p.out.emplace(out);
  }
  return p;
}

TEST(ConvertTest, OutputPasswordIsOutsElseIns) {
  StoreFixture f;
  const KeyStore keystore = f.Keystore();
  auto both = Passwords("in-password", "out-password");
  auto pw = ConvertOutputPassword(both, StoreFormat::kPkcs12, keystore);
  ASSERT_TRUE(pw) << pw.error().ToString();
  EXPECT_EQ((*pw)->reveal(), "out-password");
  auto in_only = Passwords("in-password", nullptr);
  pw = ConvertOutputPassword(in_only, StoreFormat::kJks, keystore);
  ASSERT_TRUE(pw) << pw.error().ToString();
  EXPECT_EQ((*pw)->reveal(), "in-password");
}

// IN's password then protects a new file: it must be one a new store may have.
TEST(ConvertTest, InsPasswordForOutMustSuitANewStore) {
  StoreFixture f;
  auto weak = Passwords("abc", nullptr);
  auto pw = ConvertOutputPassword(weak, StoreFormat::kPkcs12, f.Keystore());
  ASSERT_FALSE(pw);
  EXPECT_EQ(pw.error().code(), ErrorCode::kInvalidArgument);
  EXPECT_NE(pw.error().ToString().find("--password-file"), std::string::npos)
      << pw.error().ToString();
  // Given for OUT itself, the caller has checked it already.
  auto weak_out = Passwords(nullptr, "abc");
  EXPECT_TRUE(ConvertOutputPassword(weak_out, StoreFormat::kPkcs12, f.Keystore()));
}

// Only a PEM truststore is written without a password.
TEST(ConvertTest, NoPasswordOnlyForAPemTruststore) {
  StoreFixture f;
  const ConvertPasswords none;
  auto pem_trust = ConvertOutputPassword(none, StoreFormat::kPem, f.Truststore());
  ASSERT_TRUE(pem_trust) << pem_trust.error().ToString();
  EXPECT_EQ(*pem_trust, nullptr);
  for (auto [format, store] :
       {std::pair{StoreFormat::kPem, f.Keystore()}, std::pair{StoreFormat::kPkcs12, f.Truststore()},
        std::pair{StoreFormat::kJks, f.Truststore()}}) {
    auto pw = ConvertOutputPassword(none, format, store);
    ASSERT_FALSE(pw) << StoreFormatName(format);
    EXPECT_EQ(pw.error().code(), ErrorCode::kInvalidArgument);
  }
}

TEST(ConvertTest, ConvertsAndNeverOverwrites) {
  StoreFixture f;
  TempDir dir;
  const SecretString pw("store-password");
  ASSERT_TRUE(SaveStoreFile(dir / "in.p12", f.Keystore(), StoreFormat::kPkcs12, pw, {}));
  int asked = 0;
  ConvertRequest request;
  request.in = dir / "in.p12";
  request.out = dir / "out.jks";
  request.to = StoreFormat::kJks;
  request.passwords = [&]() -> Result<ConvertPasswords> {
    ++asked;
    return Passwords("store-password", nullptr);
  };
  auto written = ConvertStoreFile(request);
  ASSERT_TRUE(written) << written.error().ToString();
  EXPECT_EQ(written->size(), 2u);
  auto back = LoadStoreFile(dir / "out.jks", &pw);
  ASSERT_TRUE(back) << back.error().ToString();
  EXPECT_EQ(back->keys.size(), 1u);
  EXPECT_EQ(asked, 1);

  // OUT exists now: refused before any password is asked for.
  const std::string before = testing::ReadTextFile(dir / "out.jks");
  auto again = ConvertStoreFile(request);
  ASSERT_FALSE(again);
  EXPECT_EQ(again.error().code(), ErrorCode::kAlreadyExists);
  EXPECT_EQ(asked, 1);
  EXPECT_EQ(testing::ReadTextFile(dir / "out.jks"), before);
}

}  // namespace
}  // namespace certmint
