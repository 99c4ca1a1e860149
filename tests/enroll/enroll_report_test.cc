#include <gtest/gtest.h>

#include "ca/records.h"
#include "core/fs.h"
#include "enroll/enroll_to_dir.h"
#include "enroll/token_report.h"
#include "support/temp_dir.h"
#include "support/test_ca.h"

namespace certmint {
namespace {

const std::string kFingerprint(64, 'a');

EnrollFlags GoodFlags() {
  EnrollFlags flags;
  flags.url = "https://ca1:8443,https://ca2:8443";
  flags.name = "broker-1";
  flags.ca_fingerprint = kFingerprint;
  flags.out = "out";
  flags.replace = true;
  return flags;
}

TEST(EnrollFlagsTest, ParsedIntoARequest) {
  EnrollFlags flags = GoodFlags();
  flags.request.dns = {"broker-1.example"};
  flags.hook.exec = "true";
  auto request = MakeEnrollToDirRequest(flags);
  ASSERT_TRUE(request) << request.error().ToString();
  EXPECT_EQ(request->enroll.name, "broker-1");
  EXPECT_EQ(request->out_dir, "out");
  EXPECT_TRUE(request->output.replace);
  EXPECT_EQ(request->hook.command, "true");
  EXPECT_FALSE(request->enroll.sans.empty());
  EXPECT_FALSE(request->token);  // the caller's
}

TEST(EnrollFlagsTest, EachBadFlagIsRefused) {
  EnrollFlags bad_name = GoodFlags();
  bad_name.name = "../etc";
  EXPECT_FALSE(MakeEnrollToDirRequest(bad_name));
  EnrollFlags bad_url = GoodFlags();
  bad_url.url = "http://ca1";
  EXPECT_FALSE(MakeEnrollToDirRequest(bad_url));
  EnrollFlags bad_pin = GoodFlags();
  bad_pin.ca_fingerprint = "abc";
  EXPECT_FALSE(MakeEnrollToDirRequest(bad_pin));
  EnrollFlags bad_hook = GoodFlags();
  bad_hook.hook = {"true", 0};
  auto refused = MakeEnrollToDirRequest(bad_hook);
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code(), ErrorCode::kInvalidArgument);
}

TEST(TokenReportTest, RevokedText) {
  TokenRecord token;
  token.id = "0123456789ab";
  token.grant.name = "broker-1";
  EXPECT_EQ(RenderTokenRevokedText(token),
            "Revoked token 0123456789ab for broker-1: it can no longer enroll\n");
}

TEST(TokenReportTest, CreatedInTheCaInventoryNeverOverAFile) {
  const TimePoint now = std::chrono::sys_days{std::chrono::year{2026} / 3 / 1};
  testing::TempDir tmp;
  testing::InitTestCa(tmp / "pki", "Token CA", now);
  const std::string file = tmp / "token";
  auto made = CreateTokenIn(tmp / "pki", "broker-1", {}, std::chrono::hours(1), file, now);
  ASSERT_TRUE(made) << made.error().ToString();
  EXPECT_EQ(made->grant.name, "broker-1");
  EXPECT_EQ(fs::ReadFile(file).value(), std::string(made->created.token.reveal()) + "\n");

  auto again = CreateTokenIn(tmp / "pki", "broker-2", {}, std::chrono::hours(1), file, now);
  ASSERT_FALSE(again);
  EXPECT_EQ(again.error().code(), ErrorCode::kAlreadyExists);
  EXPECT_EQ(OpenCaInventory(tmp / "pki").value()->ListTokens().value().size(), 1u);
  EXPECT_FALSE(CreateTokenIn(tmp / "nowhere", "broker-3", {}, std::chrono::hours(1), "", now));
}

}  // namespace
}  // namespace certmint
