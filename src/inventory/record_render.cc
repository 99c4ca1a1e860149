#include "inventory/record_render.h"

#include <fmt/format.h>

#include "core/encoding.h"

namespace certmint {

nlohmann::json InventoryRecordJson(const InventoryRecord& r) {
  nlohmann::json j{
      {"name", r.name},           {"serial", r.serial},     {"status", CertStatusName(r.status)},
      {"subject", r.subject},     {"sans", r.sans},         {"not_before", r.not_before},
      {"not_after", r.not_after}, {"key_type", r.key_type}, {"sha256_fingerprint", r.sha256},
      {"issued_at", r.issued_at}};
  if (r.status == CertStatus::kRevoked) {
    j["revoked_at"] = r.revoked_at;
    j["revocation_reason"] = RevocationReasonName(r.revocation_reason);
  }
  return j;
}

nlohmann::json InventoryRecordsJson(const std::vector<InventoryRecord>& records) {
  nlohmann::json list = nlohmann::json::array();
  for (const auto& r : records) {
    list.push_back(InventoryRecordJson(r));
  }
  return list;
}

std::string InventoryTableText(const std::vector<InventoryRecord>& records) {
  std::string out = fmt::format("{:<24} {:<10} {:<21} {:<10} {}\n", "NAME", "STATUS", "NOT AFTER",
                                "KEY", "SERIAL");
  for (const auto& r : records) {
    // Rows recorded before names were checked everywhere may hold anything.
    out += fmt::format("{:<24} {:<10} {:<21} {:<10} {}\n", PrintableBytes(r.name, 64),
                       CertStatusName(r.status), PrintableBytes(r.not_after),
                       PrintableBytes(r.key_type), PrintableBytes(r.serial));
  }
  out += fmt::format("{} certificate{}\n", records.size(), records.size() == 1 ? "" : "s");
  return out;
}

}  // namespace certmint
