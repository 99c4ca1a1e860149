#include "inspect/inspect_files.h"

#include <gtest/gtest.h>

#include "core/fs.h"
#include "support/temp_dir.h"
#include "support/test_ca.h"

namespace certmint {
namespace {

using testing::TempDir;

const TimePoint kNow = std::chrono::sys_days{std::chrono::year{2026} / 3 / 1};

class InspectFilesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto ca = testing::InitTestCa(tmp_ / "pki", "Inspect CA", kNow);
    ASSERT_TRUE(fs::WriteFileAtomic(tmp_ / "a.crt", ca.certificate().ToPem(), fs::kPublicFile));
    ASSERT_TRUE(fs::WriteFileAtomic(tmp_ / "b.crt", ca.certificate().ToPem(), fs::kPublicFile));
    ASSERT_TRUE(fs::WriteFileAtomic(tmp_ / "junk", "not a certificate", fs::kPublicFile));
  }
  TempDir tmp_;
};

TEST_F(InspectFilesTest, EachFileInOrderABlankLineBetween) {
  std::vector<Error> later;
  auto out = InspectFiles({tmp_ / "a.crt", tmp_ / "b.crt"}, nullptr, kNow,
                          [&](const Error& e) { later.push_back(e); });
  EXPECT_FALSE(out.first_error.has_value());
  EXPECT_TRUE(later.empty());
  ASSERT_EQ(out.json.size(), 2u);
  const auto second = out.text.find("\n\n" + (tmp_ / "b.crt"));
  ASSERT_NE(second, std::string::npos);
  EXPECT_EQ(out.text.rfind(tmp_ / "a.crt", 0), 0u);
}

TEST_F(InspectFilesTest, TheFirstErrorIsKeptAndLaterOnesReported) {
  std::vector<Error> later;
  auto out = InspectFiles({tmp_ / "missing", tmp_ / "a.crt", tmp_ / "junk"}, nullptr, kNow,
                          [&](const Error& e) { later.push_back(e); });
  ASSERT_TRUE(out.first_error.has_value());
  EXPECT_NE(out.first_error->ToString().find(tmp_ / "missing"), std::string::npos);
  ASSERT_EQ(later.size(), 1u);
  EXPECT_NE(later[0].ToString().find(tmp_ / "junk"), std::string::npos);
  // --json: every file has its entry, a failed one with its error.
  ASSERT_EQ(out.json.size(), 3u);
  EXPECT_EQ(out.json[0]["error"]["code"], "not-found");
  EXPECT_FALSE(out.json[1].contains("error"));
  EXPECT_EQ(out.json[2]["error"]["code"], "invalid-data");
  EXPECT_FALSE(out.text.empty());
}

}  // namespace
}  // namespace certmint
