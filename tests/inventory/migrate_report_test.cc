#include "inventory/migrate_report.h"

#include <gtest/gtest.h>

namespace certmint {
namespace {

MigrationReport Report(bool switched) {
  return {"pki/inventory.db", "postgresql://db/certmint", 3, 1, 7, 4, 1, switched};
}

TEST(MigrateReportTest, TextSaysWhetherTheDirectorySwitched) {
  const std::string text = MigrationText(Report(true), "pki");
  EXPECT_EQ(text.rfind("Copied 3 certificates and 1 tokens from pki/inventory.db to "
                       "postgresql://db/certmint (checked: all there; PostgreSQL holds 4 "
                       "certificates and 1 tokens); next CRL number 7.\n",
                       0),
            0u)
      << text;
  EXPECT_NE(text.find("pki/inventory.json now names it"), std::string::npos);
  EXPECT_EQ(MigrationText(Report(false), "pki").substr(text.find("\n") + 1),
            "pki still uses pki/inventory.db (--no-switch).\n");
}

TEST(MigrateReportTest, JsonHasEveryCount) {
  const nlohmann::json j = MigrationJson(Report(false));
  EXPECT_EQ(j["certificates"], 3);
  EXPECT_EQ(j["target_certificates"], 4);
  EXPECT_EQ(j["next_crl_number"], 7);
  EXPECT_EQ(j["switched"], false);
  EXPECT_EQ(j["to"], "postgresql://db/certmint");
}

}  // namespace
}  // namespace certmint
