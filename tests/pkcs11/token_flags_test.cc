#include "pkcs11/token_flags.h"

#include <gtest/gtest.h>

namespace certmint {
namespace {

TEST(TokenFlagsTest, NoUriNoToken) {
  auto none = ParseTokenFlags({});
  ASSERT_TRUE(none) << none.error().ToString();
  EXPECT_FALSE(none->has_value());
}

TEST(TokenFlagsTest, AModuleWithoutAUriIsRefused) {
  auto alone = ParseTokenFlags({"", "/usr/lib/softhsm/libsofthsm2.so"});
  ASSERT_FALSE(alone);
  EXPECT_EQ(alone.error().code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(alone.error().message(), "--pkcs11-module goes with --pkcs11");
}

TEST(TokenFlagsTest, TheUriIsParsedAndTheModuleMadeAbsolute) {
  auto ref = ParseTokenFlags({"pkcs11:token=CA;object=ca-key", "lib/module.so"});
  ASSERT_TRUE(ref) << ref.error().ToString();
  ASSERT_TRUE(ref->has_value());
  EXPECT_EQ((*ref)->uri.token, "CA");
  EXPECT_EQ((*ref)->uri.object, "ca-key");
  EXPECT_EQ((*ref)->module.front(), '/');
  EXPECT_NE((*ref)->module.find("lib/module.so"), std::string::npos);
  auto defaulted = ParseTokenFlags({"pkcs11:token=CA;object=ca-key", ""});
  ASSERT_TRUE(defaulted && defaulted->has_value());
  EXPECT_EQ((*defaulted)->module, DefaultPkcs11Module());
}

TEST(TokenFlagsTest, ABadUriNamesTheFlag) {
  auto bad = ParseTokenFlags({"pkcs11:object=k", ""});
  ASSERT_FALSE(bad);
  EXPECT_NE(bad.error().ToString().find("--pkcs11"), std::string::npos);
}

}  // namespace
}  // namespace certmint
