#include "report/report_flags.h"

#include <gtest/gtest.h>

#include "core/fs.h"
#include "inventory/inventory.h"
#include "support/temp_dir.h"
#include "support/test_ca.h"

namespace certmint {
namespace {

using testing::TempDir;

const TimePoint kNow = std::chrono::system_clock::now();

TEST(ReportFlagsTest, NeedsHtmlOrJsonAndASaneWindow) {
  TempDir tmp;
  auto neither = ReportFromFlags({tmp / "pki", "", 30, false}, kNow);
  ASSERT_FALSE(neither);
  EXPECT_EQ(neither.error().message(), "give --html FILE, --json or both");
  for (int window : {0, 3651}) {
    auto r = ReportFromFlags({tmp / "pki", "", window, true}, kNow);
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().message(), "--window: 1 to 3650 days");
  }
}

TEST(ReportFlagsTest, WritesThePageAndSaysSoOrGivesTheJson) {
  TempDir tmp;
  testing::InitTestCa(tmp / "pki", "Report CA", kNow);
  ASSERT_TRUE(OpenInventory(tmp / "pki"));  // an empty one
  auto page = ReportFromFlags({tmp / "pki", tmp / "report.html", 30, false}, kNow);
  ASSERT_TRUE(page) << page.error().ToString();
  EXPECT_EQ(page->text, "Wrote " + (tmp / "report.html") + ": 0 certificates, 1 CA\n");
  EXPECT_TRUE(fs::Exists(tmp / "report.html"));
  auto json = ReportFromFlags({tmp / "pki", "", 30, true}, kNow);
  ASSERT_TRUE(json) << json.error().ToString();
  EXPECT_EQ(json->text, "");
  EXPECT_TRUE(json->json.is_object());
}

}  // namespace
}  // namespace certmint
