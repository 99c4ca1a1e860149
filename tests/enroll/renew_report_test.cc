#include "enroll/renew_report.h"

#include <gtest/gtest.h>

#include "core/fs.h"
#include "enroll/renew_run.h"
#include "support/temp_dir.h"

namespace certmint {
namespace {

using testing::TempDir;

const TimePoint kNow = std::chrono::sys_days{std::chrono::year{2026} / 3 / 1};

TEST(RenewReportTest, OneShapeForEveryPath) {
  RenewReport report;
  AddRenewalEvent(report, {RenewalEvent::Kind::kRenewed, "a", kNow, kNow, 0}, true);
  AddRenewalEvent(report, {RenewalEvent::Kind::kNotDue, "b", kNow, kNow, 0}, true);
  AddRenewalEvent(report, {RenewalEvent::Kind::kCutShort, "c", kNow, kNow, 0}, true);
  AddRenewalEvent(report, {RenewalEvent::Kind::kCrlUpdated, "d", kNow, kNow, 12}, true);
  report.renewed.push_back({"e", std::nullopt, false, true, false});
  HookOutcome hook;
  hook.name = "a";
  hook.ok = true;
  report.hooks.push_back(hook);
  const std::string at = FormatUtc(kNow);
  const nlohmann::json expected = {
      {"dry_run", false},
      {"renewed",
       {{{"name", "a"}, {"not_after", at}, {"same_key", true}, {"new_store_password", false}},
        {{"name", "e"},
         {"not_after", nullptr},
         {"same_key", false},
         {"new_store_password", true}}}},
      {"not_due", {{{"name", "b"}, {"due", at}}, {{"name", "c"}, {"due", nullptr}}}},
      {"crl_updated", {{{"name", "d"}, {"number", 12}, {"next_update", at}}}},
      {"hooks", {HookOutcomeJson(hook)}}};
  EXPECT_EQ(RenewReportJson(report), expected) << RenewReportJson(report).dump(2);
  EXPECT_EQ(NothingToRenewJson(false, {})["renewed"], nlohmann::json::array());
  EXPECT_EQ(NothingToRenewJson(false, {}).size(), 5u);
  EXPECT_EQ(NothingToRenewJson(true, {}), RenewDryRunJson({}));
}

TEST(RenewReportTest, Texts) {
  EXPECT_EQ(RenewedText({"a", kNow, true, false, false}),
            "Renewed a (same key): valid until " + FormatUtc(kNow) + "\n");
  EXPECT_EQ(RenewedText({"a", kNow, false, true, false}),
            "Renewed a, new store password: valid until " + FormatUtc(kNow) + "\n");
  EXPECT_EQ(RenewedText({"a", std::nullopt, false, true, true}),
            "Renewed a, new random store password in its password file: valid until \n");
  EXPECT_EQ(RenewDryRunText({"a", "b"}), "Dry run: would renew a, b\n");
  EXPECT_EQ(NothingToRenewText("out", 30), "No identity in out expires within 30 days.\n");
}

class RenewIdentitiesTest : public ::testing::Test {
 protected:
  RenewJob Job() {
    RenewJob job;
    job.flags.dir = tmp_ / "pki";
    job.flags.out = tmp_.path();
    job.now = kNow;
    job.store_password = [] {
      ADD_FAILURE() << "a password was read";
      return Result<std::optional<SecretString>>(std::nullopt);
    };
    return job;
  }
  TempDir tmp_;
  std::vector<ConsoleText> printed_;
  ConsoleSink print_ = [this](const ConsoleText& t) { printed_.push_back(t); };
};

TEST_F(RenewIdentitiesTest, NothingExpiringReadsNoPassword) {
  RenewJob job = Job();
  job.flags.expiring = 30;
  auto done = RenewIdentities(job, print_);
  ASSERT_TRUE(done) << done.error().ToString();
  EXPECT_EQ(done->text, "No identity in " + tmp_.path() + " expires within 30 days.\n");
  EXPECT_EQ(done->json, NothingToRenewJson(false, {}));
  job.flags.dry_run = true;
  EXPECT_EQ(RenewIdentities(job, print_)->json, RenewDryRunJson({}));
  EXPECT_TRUE(printed_.empty());
}

TEST_F(RenewIdentitiesTest, DryRunNamesWhatItWouldRenew) {
  ASSERT_TRUE(fs::EnsureDir(tmp_ / "broker-1"));
  RenewJob job = Job();
  job.flags.names = {"broker-1"};
  job.flags.dry_run = true;
  auto done = RenewIdentities(job, print_);
  ASSERT_TRUE(done) << done.error().ToString();
  EXPECT_EQ(done->json, RenewDryRunJson({"broker-1"}));
  EXPECT_EQ(done->text, "Dry run: would renew broker-1\n");

  job.flags.names = {"broker-2"};  // missing
  EXPECT_EQ(RenewIdentities(job, print_).error().code(), ErrorCode::kNotFound);
}

TEST_F(RenewIdentitiesTest, DaemonHasNoJsonAndFlagsAreChecked) {
  ASSERT_TRUE(fs::EnsureDir(tmp_ / "broker-1"));
  RenewJob job = Job();
  job.flags.dir.clear();
  job.flags.server = "https://127.0.0.1:1";
  job.flags.names = {"broker-1"};
  job.flags.daemon = true;
  job.json = true;
  job.store_password = [] { return Result<std::optional<SecretString>>(std::nullopt); };
  auto refused = RenewIdentities(job, print_);
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().message(),
            "--json: not with --daemon, whose output is a log of events");

  job.new_password = {"", "", true};
  job.new_password.file = "pw";  // two new passwords
  EXPECT_EQ(RenewIdentities(job, print_).error().code(), ErrorCode::kInvalidArgument);
  job.flags.dir = "pki";  // --server and --dir
  EXPECT_EQ(RenewIdentities(job, print_).error().code(), ErrorCode::kInvalidArgument);
}

}  // namespace
}  // namespace certmint
