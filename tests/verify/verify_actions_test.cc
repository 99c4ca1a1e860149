// verify, handshake and probe from their flags: the checks chosen, the
// reports, and the exit codes they mean.
#include "verify/verify_actions.h"

#include <gtest/gtest.h>

#include <cstdlib>

#include "identity/request_actions.h"
#include "stores/store_passwords.h"
#include "support/temp_dir.h"
#include "support/test_ca.h"

namespace certmint {
namespace {

using testing::TempDir;
using testing::WriteTextFile;

const TimePoint kNow = std::chrono::system_clock::now();

class VerifyActionsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    unsetenv(kStorePasswordEnv);
    testing::InitTestCa(tmp_ / "pki", "Verify Actions CA", kNow);
    WriteTextFile(tmp_ / "pw", "store-password\n");
  }
  // An identity issued to OUT/NAME/ (pem and p12).
  std::string Issue(const std::string& name) {
    IssueFlags f{name, tmp_ / "pki", {}, tmp_ / "out", tmp_ / "pw", {}};
    f.output.formats = "pem,p12";
    auto issued = IssueFromFlags(
        f, [] { return Result<SecretString>(SecretString(testing::kTestCaPassword)); });
    EXPECT_TRUE(issued) << issued.error().ToString();
    return tmp_ / ("out/" + name);
  }
  TempDir tmp_;
};

TEST_F(VerifyActionsTest, ExitCodeZeroWhenAllPassOneForAWarning) {
  VerifyFlags f;
  f.dir = Issue("broker-1");
  f.password_file = tmp_ / "pw";
  auto ok = VerifyFromFlags(f);
  ASSERT_TRUE(ok) << ok.error().ToString();
  EXPECT_EQ(ok->exit_code, 0) << ok->text;
  EXPECT_FALSE(ok->text.empty());
  EXPECT_EQ(ok->json.front(), '{');

  f.options.warn_days = 100000;  // expires "soon"
  auto warned = VerifyFromFlags(f);
  ASSERT_TRUE(warned) << warned.error().ToString();
  EXPECT_EQ(warned->exit_code, kExitWarnings) << warned->text;

  f.options.warn_days = 30;
  f.role = "nobody";
  auto bad_role = VerifyFromFlags(f);
  ASSERT_FALSE(bad_role);
  EXPECT_NE(bad_role.error().ToString().find("--role"), std::string::npos);
}

TEST_F(VerifyActionsTest, AFailedCheckIsExitCodeTwo) {
  VerifyFlags f;
  f.dir = Issue("broker-2");
  f.password_file = tmp_ / "pw";
  f.options.hosts = {"not-this-host.example"};
  auto failed = VerifyFromFlags(f);
  ASSERT_TRUE(failed) << failed.error().ToString();
  EXPECT_EQ(failed->exit_code, kExitFailures) << failed->text;
}

TEST_F(VerifyActionsTest, HandshakeLinesComeAsTheyHappenOrAllInTheJson) {
  HandshakeFlags f;
  f.server = Issue("broker-3");
  f.client = f.server;
  f.password_file = tmp_ / "pw";
  std::vector<std::string> lines;
  const auto collect = [&](const std::string& line) { lines.push_back(line); };
  auto text = HandshakeFromFlags(f, false, collect);
  ASSERT_TRUE(text) << text.error().ToString();
  EXPECT_EQ(text->exit_code, 0);
  ASSERT_EQ(lines.size(), 2u);  // TLS 1.3 and 1.2
  EXPECT_EQ(lines[0].rfind("ok", 0), 0u) << lines[0];
  lines.clear();
  auto json = HandshakeFromFlags(f, true, collect);
  ASSERT_TRUE(json) << json.error().ToString();
  EXPECT_TRUE(lines.empty());
  EXPECT_NE(json->json.find("\"ok\": true"), std::string::npos) << json->json;

  f.tls = "1.1";
  auto bad = HandshakeFromFlags(f, false, collect);
  ASSERT_FALSE(bad);
  EXPECT_NE(bad.error().ToString().find("--tls"), std::string::npos);
}

TEST_F(VerifyActionsTest, ProbeRefusesATimeoutOutOfRangeBeforeConnecting) {
  for (double timeout : {0.0, -1.0, 601.0, std::nan("")}) {
    auto r = ProbeFromFlags({"127.0.0.1:1", "", "", "", "", timeout});
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().message(), "--timeout: between 0 and 600 seconds");
  }
  EXPECT_FALSE(ProbeFromFlags({"no-port", "", "", "", "", 5}));
}

}  // namespace
}  // namespace certmint
