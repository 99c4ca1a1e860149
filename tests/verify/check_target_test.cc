#include "verify/check_target.h"

#include <gtest/gtest.h>

#include "support/temp_dir.h"

namespace certmint {
namespace {

using testing::TempDir;

TEST(CheckTargetTest, ALoneKeystoreWithItsTruststore) {
  auto t = CheckTargetFor("", "/x/keystore.p12", "/x/truststore.p12");
  ASSERT_TRUE(t.has_value()) << t.error().ToString();
  EXPECT_EQ(t->identity, "keystore.p12");
  EXPECT_TRUE(t->dir.empty());
  ASSERT_EQ(t->pairs.size(), 1u);
}

TEST(CheckTargetTest, ExactlyOneFormIsNeeded) {
  EXPECT_EQ(CheckTargetFor("", "", "").error().code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(CheckTargetFor("", "/x/keystore.p12", "").error().code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(CheckTargetFor("/x", "/x/keystore.p12", "/x/truststore.p12").error().code(),
            ErrorCode::kInvalidArgument);
}

TEST(CheckTargetTest, ADirectoryWithoutStoresIsNotFound) {
  TempDir tmp;
  auto t = CheckTargetFor(tmp.path(), "", "");
  ASSERT_FALSE(t.has_value());
  EXPECT_EQ(t.error().code(), ErrorCode::kNotFound);
  EXPECT_NE(t.error().ToString().find("no keystore and truststore pair found"), std::string::npos);
}

}  // namespace
}  // namespace certmint
