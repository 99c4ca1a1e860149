#include "stores/store_edit_flags.h"

#include <gtest/gtest.h>

namespace certmint {
namespace {

TEST(StoreEditFlagsTest, NothingGivenKeepsTheStoreAsItIs) {
  auto o = ParseStoreEditFlags({}, false);
  ASSERT_TRUE(o.has_value());
  EXPECT_FALSE(o->create);
  EXPECT_FALSE(o->type.has_value());
  EXPECT_FALSE(o->pkcs12_profile.has_value());
  EXPECT_FALSE(o->pem_profile.has_value());
}

TEST(StoreEditFlagsTest, ParsesEachFlagAndTheTypeOnlyWhenCreating) {
  auto o = ParseStoreEditFlags({"jks", "legacy", "java"}, true);
  ASSERT_TRUE(o.has_value()) << o.error().ToString();
  EXPECT_TRUE(o->create);
  EXPECT_TRUE(o->type.has_value());
  EXPECT_TRUE(o->pkcs12_profile.has_value());
  EXPECT_TRUE(o->pem_profile.has_value());
  EXPECT_FALSE(ParseStoreEditFlags({"jks", "", ""}, false)->type.has_value());
}

TEST(StoreEditFlagsTest, AnInvalidFlagIsNamed) {
  EXPECT_NE(ParseStoreEditFlags({"", "bogus", ""}, false).error().ToString().find("--p12-profile"),
            std::string::npos);
  EXPECT_NE(ParseStoreEditFlags({"", "", "bogus"}, false).error().ToString().find("--pem-profile"),
            std::string::npos);
  EXPECT_NE(ParseStoreEditFlags({"bogus", "", ""}, true).error().ToString().find("--type"),
            std::string::npos);
}

}  // namespace
}  // namespace certmint
