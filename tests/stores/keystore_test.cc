#include "stores/keystore.h"

#include <gtest/gtest.h>

namespace certmint {
namespace {

TEST(KeyStoreTest, AliasesArePrintableAndBounded) {
  EXPECT_TRUE(ValidateAlias("broker-1"));
  EXPECT_TRUE(ValidateAlias(std::string(128, 'a')));
  EXPECT_FALSE(ValidateAlias(""));
  EXPECT_FALSE(ValidateAlias(std::string(129, 'a')));
  EXPECT_FALSE(ValidateAlias("a\nb"));
  EXPECT_EQ(NormalizeAlias("CARoot"), "caroot");
}

TEST(KeyStoreTest, NewStorePasswordsMustWorkInJavaAndKafka) {
  EXPECT_TRUE(CheckNewStorePassword("secret"));
  EXPECT_TRUE(CheckNewStorePassword("a b=c:d#e!f\\g\"h'i$j~"));
  struct Case {
    std::string password;
    const char* cause;
  } refused[] = {
      {"12345", "at least 6 characters"},
      {"p\xC3\xA4sswort", "printable ASCII"},
      {"s3cr\tt-x", "printable ASCII"},
      {"s3cr\x7Ft-x", "printable ASCII"},
      {" s3cr3t-x", "must not begin or end with a space"},
      {"s3cr3t-x ", "must not begin or end with a space"},
  };
  for (const auto& c : refused) {
    auto r = CheckNewStorePassword(c.password);
    ASSERT_FALSE(r) << c.password;
    EXPECT_EQ(r.error().code(), ErrorCode::kInvalidArgument);
    EXPECT_NE(r.error().ToString().find(c.cause), std::string::npos) << r.error().ToString();
    EXPECT_EQ(r.error().ToString().find(c.password), std::string::npos)
        << "never the password itself";
  }
}

}  // namespace
}  // namespace certmint
