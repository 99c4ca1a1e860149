// One apply run without the CLI: what goes to the console, when the
// secrets are asked for, and --prune's confirmation.
#include "cluster/apply_run.h"

#include <gtest/gtest.h>

#include "cluster/manifest.h"
#include "core/fs.h"
#include "support/temp_dir.h"
#include "support/test_ca.h"

namespace certmint {
namespace {

using testing::TempDir;
using testing::WriteTextFile;

const TimePoint kNow = std::chrono::system_clock::now();

class ApplyRunTest : public ::testing::Test {
 protected:
  void SetUp() override {
    WriteTextFile(tmp_ / "cluster.yaml", R"(
ca:
  subject: "CN=Apply Run CA"
identities:
  - name: broker-{n}
    count: 2
    dns: ["broker-{n}.example"]
    formats: [pem]
)");
    request_.manifest = tmp_ / "cluster.yaml";
    request_.settings.pki_dir = tmp_ / "pki";
    request_.settings.out_dir = tmp_ / "out";
    request_.settings.jobs = 2;
    request_.settings.now = kNow;
    request_.ca_password = [this](bool is_new) -> Result<SecretString> {
      asked_ca.push_back(is_new);
      return SecretString(testing::kTestCaPassword);
    };
    request_.store_password = []() -> Result<std::optional<SecretString>> {
      return std::optional<SecretString>(SecretString("store-password"));
    };
  }
  ApplyConsole Console() {
    return {[this](const std::string& s) { out += s; }, [this](const std::string& s) { err += s; },
            [this](const nlohmann::json& j) { json.push_back(j); }, [](const HookOutcome&) {}};
  }

  TempDir tmp_;
  ApplyRequest request_;
  std::string out, err;
  std::vector<nlohmann::json> json;
  std::vector<bool> asked_ca;
};

TEST_F(ApplyRunTest, ADryRunShowsThePlanAsksForNothingAndWritesNothing) {
  request_.settings.dry_run = true;
  ASSERT_TRUE(ApplyManifest(request_, Console()));
  EXPECT_NE(out.find("broker-1"), std::string::npos) << out;
  EXPECT_EQ(out.substr(out.size() - 26), "Dry run: nothing written.\n") << out;
  EXPECT_TRUE(json.empty());
  EXPECT_TRUE(asked_ca.empty());
  EXPECT_FALSE(fs::Exists(tmp_ / "pki"));
}

TEST_F(ApplyRunTest, WithJsonOnlyTheReportIsGiven) {
  request_.settings.dry_run = true;
  request_.json = true;
  ASSERT_TRUE(ApplyManifest(request_, Console()));
  EXPECT_EQ(out, "");
  ASSERT_EQ(json.size(), 1u);
  EXPECT_TRUE(json[0].is_object());
}

TEST_F(ApplyRunTest, ARunAsksForTheCaSecretOnceAndSummarizes) {
  testing::InitTestCa(tmp_ / "pki", "Apply Run CA", kNow);
  ASSERT_TRUE(ApplyManifest(request_, Console())) << out;
  EXPECT_EQ(asked_ca, std::vector<bool>{false});  // the CA exists: not a new one
  EXPECT_TRUE(fs::Exists(tmp_ / "out/broker-1"));
  EXPECT_TRUE(fs::Exists(tmp_ / "out/broker-2"));
  // Again: nothing to do, nothing asked.
  out.clear();
  ASSERT_TRUE(ApplyManifest(request_, Console()));
  EXPECT_EQ(asked_ca.size(), 1u);
  EXPECT_EQ(out.substr(out.size() - 15), "Nothing to do.\n") << out;
}

TEST_F(ApplyRunTest, PruneIsRefusedWithoutSomebodyToAskOrWhenTheAnswerIsNo) {
  auto manifest = LoadManifest(request_.manifest);
  ASSERT_TRUE(manifest);
  auto session = ApplySession::Open(std::move(*manifest), request_.settings);
  ASSERT_TRUE(session) << session.error().ToString();
  const auto nobody = [](const std::string&) { return std::optional<bool>(); };
  const auto no = [](const std::string&) { return std::optional<bool>(false); };
  const auto yes = [](const std::string&) { return std::optional<bool>(true); };
  auto refused = ConfirmApplyPrune(**session, tmp_ / "out", false, nobody);
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code(), ErrorCode::kRefused);
  EXPECT_NE(refused.error().message().find("give --yes"), std::string::npos);
  auto declined = ConfirmApplyPrune(**session, tmp_ / "out", false, no);
  ASSERT_FALSE(declined);
  EXPECT_EQ(declined.error().message(), "--prune: not confirmed; nothing pruned or issued");
  EXPECT_TRUE(ConfirmApplyPrune(**session, tmp_ / "out", false, yes));
  EXPECT_TRUE(ConfirmApplyPrune(**session, tmp_ / "out", true, nobody));
}

}  // namespace
}  // namespace certmint
