#include "inventory/record_render.h"

#include <gtest/gtest.h>

#include <algorithm>

#include "keys/private_key.h"

namespace certmint {
namespace {

InventoryRecord Record(const std::string& name, CertStatus status) {
  InventoryRecord r;
  r.serial = "01:AB";
  r.name = name;
  r.subject = "CN=" + name;
  r.sans = "DNS:" + name + ", DNS:" + name + ".example, IP:10.0.0.1";
  r.not_before = "2026-01-01T00:00:00Z";
  r.not_after = "2027-01-01T00:00:00Z";
  r.key_type = "EC P-256";  // as KeyDescription::ToString wrote it
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

const TimePoint kNow = *ParseUtc("2026-12-01T12:00:00Z");

// The keys `list --json` prints are a contract: scripts read them
// (docs/json.md, "certificate record"): every key always there, SANs as
// arrays, the key type as --key-type spells it, days left as a number.
TEST(RecordRenderTest, JsonRecordShape) {
  const nlohmann::json j = InventoryRecordJson(Record("broker-1", CertStatus::kValid), kNow);
  EXPECT_EQ(Keys(j), (std::vector<std::string>{
                         "days_left", "dns_names", "ip_addresses", "issued_at", "key_type", "name",
                         "not_after", "not_before", "revocation_reason", "revoked_at", "serial",
                         "sha256_fingerprint", "status", "subject"}));
  EXPECT_EQ(j["status"], "valid");
  EXPECT_EQ(j["sha256_fingerprint"], "AA:BB");
  EXPECT_EQ(j["dns_names"], nlohmann::json({"broker-1", "broker-1.example"}));
  EXPECT_EQ(j["ip_addresses"], nlohmann::json({"10.0.0.1"}));
  EXPECT_EQ(j["key_type"], "ec:p256");
  EXPECT_EQ(j["days_left"], 30);
  EXPECT_TRUE(j["revoked_at"].is_null());
  EXPECT_TRUE(j["revocation_reason"].is_null());
}

TEST(RecordRenderTest, KeyTypesAreSpelledAsTheFlag) {
  EXPECT_EQ(KeyTypeSpelling("EC P-384"), "ec:p384");
  EXPECT_EQ(KeyTypeSpelling("RSA 3072"), "rsa:3072");
  EXPECT_EQ(KeyTypeSpelling("Ed25519"), "ed25519");
  for (const char* spec : {"rsa:2048", "ec:p256", "ec:p384", "ed25519"}) {
    auto key = PrivateKey::Generate(*ParseKeySpec(spec));
    ASSERT_TRUE(key) << spec;
    EXPECT_EQ(KeyTypeSpelling(key->Describe().ToString()), spec);
  }
}

TEST(RecordRenderTest, RevokedRecordsSayWhenAndWhy) {
  InventoryRecord r = Record("broker-2", CertStatus::kRevoked);
  r.revoked_at = "2026-02-01T00:00:00Z";
  r.revocation_reason = 1;
  const nlohmann::json j = InventoryRecordJson(r, kNow);
  EXPECT_EQ(j["status"], "revoked");
  EXPECT_EQ(j["revoked_at"], "2026-02-01T00:00:00Z");
  EXPECT_EQ(j["revocation_reason"], "keyCompromise");
  EXPECT_TRUE(
      InventoryRecordJson(Record("x", CertStatus::kSuperseded), kNow)["revoked_at"].is_null());
}

TEST(RecordRenderTest, ListIsAnArrayInOrder) {
  EXPECT_EQ(InventoryRecordsJson({}, kNow), nlohmann::json::array());
  const nlohmann::json list = InventoryRecordsJson(
      {Record("a", CertStatus::kValid), Record("b", CertStatus::kSuperseded)}, kNow);
  ASSERT_EQ(list.size(), 2u);
  EXPECT_EQ(list[0]["name"], "a");
  EXPECT_EQ(list[1]["status"], "superseded");
}

TEST(RecordRenderTest, TableHasHeaderRowsAndCount) {
  EXPECT_EQ(InventoryTableText({Record("broker-1", CertStatus::kValid)}),
            "NAME                     STATUS     NOT AFTER             KEY        SERIAL\n"
            "broker-1                 valid      2027-01-01T00:00:00Z  EC P-256   01:AB\n"
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
