#include "stores/keystore.h"

#include <gtest/gtest.h>

#include "stores/jks.h"
#include "stores/pkcs12.h"
#include "stores/store_fixture.h"

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

// Java keeps one entry per alias (compared case-insensitively): a store
// naming two entries alike would lose one, so the writers refuse it.
TEST(KeyStoreTest, WritersRefuseAnAliasUsedTwice) {
  testing::StoreFixture f;
  KeyStore store = f.Keystore();
  ASSERT_TRUE(CheckAliases(store));
  store.keys[0].alias = "caRoot";  // the trusted entry is "CARoot"
  ASSERT_FALSE(CheckAliases(store));
  EXPECT_NE(CheckAliases(store).error().ToString().find("alias 'CARoot' names two entries"),
            std::string::npos)
      << CheckAliases(store).error().ToString();
  const SecretString pw("store-password");
  auto jks = WriteJks(store, pw, std::chrono::system_clock::now());
  ASSERT_FALSE(jks);
  EXPECT_EQ(jks.error().code(), ErrorCode::kInvalidArgument);
  auto p12 = WritePkcs12(store, pw, Pkcs12Options{});
  ASSERT_FALSE(p12);
  EXPECT_EQ(p12.error().code(), ErrorCode::kInvalidArgument);
  store.keys[0].alias = "";
  EXPECT_FALSE(CheckAliases(store));  // every alias is still validated
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
      // kcat -F reads "abc=def" from librdkafka.properties (issue 19, item 12).
      {"abc\\=def", "backslash before '=' or ':'"},
      {"abc\\:def", "backslash before '=' or ':'"},
      {"abc\\\\=def", "backslash before '=' or ':'"},
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
