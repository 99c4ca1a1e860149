#include "inventory/record_render.h"

#include <gtest/gtest.h>

#include <algorithm>

namespace certmint {
namespace {

InventoryRecord Record(const std::string& name, CertStatus status) {
  InventoryRecord r;
  r.serial = "01:AB";
  r.name = name;
  r.subject = "CN=" + name;
  r.sans = "DNS:" + name;
  r.not_before = "2026-01-01T00:00:00Z";
  r.not_after = "2027-01-01T00:00:00Z";
  r.key_type = "ec-p256";
  r.sha256 = "AA:BB";
  r.status = status;
  r.issued_at = "2026-01-01T00:00:01Z";
  return r;
}

std::vector<std::string> Keys(const nlohmann::json& j) {
  std::vector<std::string> keys;
  for (const auto& [key, value] : j.items()) {
    keys.push_back(key);
  }
  return keys;
}

// The keys `list --json` prints are a contract: scripts read them.
TEST(RecordRenderTest, JsonRecordShape) {
  const nlohmann::json j = InventoryRecordJson(Record("broker-1", CertStatus::kValid));
  EXPECT_EQ(Keys(j), (std::vector<std::string>{"issued_at", "key_type", "name", "not_after",
                                               "not_before", "sans", "serial", "sha256_fingerprint",
                                               "status", "subject"}));
  EXPECT_EQ(j["status"], "valid");
  EXPECT_EQ(j["sha256_fingerprint"], "AA:BB");
  EXPECT_EQ(j["sans"], "DNS:broker-1");
}

TEST(RecordRenderTest, RevokedRecordsSayWhenAndWhy) {
  InventoryRecord r = Record("broker-2", CertStatus::kRevoked);
  r.revoked_at = "2026-02-01T00:00:00Z";
  r.revocation_reason = 1;
  const nlohmann::json j = InventoryRecordJson(r);
  EXPECT_EQ(j["status"], "revoked");
  EXPECT_EQ(j["revoked_at"], "2026-02-01T00:00:00Z");
  EXPECT_EQ(j["revocation_reason"], "keyCompromise");
  EXPECT_EQ(j.size(), 12u);
  EXPECT_FALSE(InventoryRecordJson(Record("x", CertStatus::kSuperseded)).contains("revoked_at"));
}

TEST(RecordRenderTest, ListIsAnArrayInOrder) {
  EXPECT_EQ(InventoryRecordsJson({}), nlohmann::json::array());
  const nlohmann::json list =
      InventoryRecordsJson({Record("a", CertStatus::kValid), Record("b", CertStatus::kSuperseded)});
  ASSERT_EQ(list.size(), 2u);
  EXPECT_EQ(list[0]["name"], "a");
  EXPECT_EQ(list[1]["status"], "superseded");
}

TEST(RecordRenderTest, TableHasHeaderRowsAndCount) {
  EXPECT_EQ(InventoryTableText({Record("broker-1", CertStatus::kValid)}),
            "NAME                     STATUS     NOT AFTER             KEY        SERIAL\n"
            "broker-1                 valid      2027-01-01T00:00:00Z  ec-p256    01:AB\n"
            "1 certificate\n");
  EXPECT_NE(InventoryTableText({}).find("\n0 certificates\n"), std::string::npos);
}

TEST(RecordRenderTest, TableEscapesWhatARowHolds) {
  // A name recorded before every path checked names: a line break and a
  // terminal escape must not reach the terminal as themselves.
  const std::string text = InventoryTableText({Record("a\n<fake row>\x1b[2J", CertStatus::kValid)});
  EXPECT_EQ(text.find('\x1b'), std::string::npos) << text;
  EXPECT_NE(text.find("a\\x0a<fake row>\\x1b[2J"), std::string::npos) << text;
  EXPECT_EQ(std::count(text.begin(), text.end(), '\n'), 3) << "header, one row, count";
}

}  // namespace
}  // namespace certmint
