#include "ca/unlock.h"

#include <gtest/gtest.h>

#include "support/temp_dir.h"
#include "support/test_ca.h"

namespace certmint {
namespace {

using testing::TempDir;

const TimePoint kNow = std::chrono::sys_days{std::chrono::year{2026} / 3 / 1};

TEST(UnlockCaTest, LoadsWithThePassword) {
  TempDir tmp;
  testing::InitTestCa(tmp / "pki", "Unlock CA", kNow);
  int asked = 0;
  auto ca = UnlockCa(tmp / "pki", [&]() -> Result<SecretString> {
    ++asked;
    return SecretString(testing::kTestCaPassword);
  });
  ASSERT_TRUE(ca.has_value()) << ca.error().ToString();
  EXPECT_EQ(asked, 1);
  EXPECT_NE(ca->certificate().Subject().ToString().find("Unlock CA"), std::string::npos);
}

TEST(UnlockCaTest, NoCaFailsBeforeAskingForThePassword) {
  TempDir tmp;
  bool asked = false;
  auto ca = UnlockCa(tmp / "missing", [&]() -> Result<SecretString> {
    asked = true;
    return SecretString("unused");
  });
  EXPECT_FALSE(ca.has_value());
  EXPECT_FALSE(asked);
}

TEST(UnlockCaTest, ThePasswordSourcesErrorIsReturned) {
  TempDir tmp;
  testing::InitTestCa(tmp / "pki", "Unlock CA", kNow);
  auto ca = UnlockCa(tmp / "pki", []() -> Result<SecretString> {
    return MakeError(ErrorCode::kInvalidArgument, "no CA password");
  });
  ASSERT_FALSE(ca.has_value());
  EXPECT_EQ(ca.error().code(), ErrorCode::kInvalidArgument);
  EXPECT_NE(ca.error().ToString().find("no CA password"), std::string::npos);
}

TEST(UnlockCaTest, AWrongPasswordFails) {
  TempDir tmp;
  testing::InitTestCa(tmp / "pki", "Unlock CA", kNow);
  auto ca = UnlockCa(tmp / "pki", [] { return Result<SecretString>(SecretString("wrong-one")); });
  EXPECT_FALSE(ca.has_value());
}

}  // namespace
}  // namespace certmint
