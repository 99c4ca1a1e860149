#include "inventory/record_render.h"

#include <fmt/format.h>

#include "core/encoding.h"
#include "keys/private_key.h"

namespace certmint {

namespace {

// The record's "DNS:a, IP:1.2.3.4" as the two arrays every other --json
// output has.
void AddSans(const std::string& sans, nlohmann::json& j) {
  nlohmann::json dns = nlohmann::json::array();
  nlohmann::json ips = nlohmann::json::array();
  std::string_view rest = sans;
  while (!rest.empty()) {
    const size_t comma = rest.find(", ");
    const std::string_view name = rest.substr(0, comma);
    rest = comma == std::string_view::npos ? std::string_view() : rest.substr(comma + 2);
    if (name.starts_with("DNS:")) {
      dns.push_back(std::string(name.substr(4)));
    } else if (name.starts_with("IP:")) {
      ips.push_back(std::string(name.substr(3)));
    }
  }
  j["dns_names"] = std::move(dns);
  j["ip_addresses"] = std::move(ips);
}

}  // namespace

nlohmann::json InventoryRecordJson(const InventoryRecord& r, TimePoint now) {
  nlohmann::json j{{"name", r.name},
                   {"serial", r.serial},
                   {"status", CertStatusName(r.status)},
                   {"subject", r.subject},
                   {"not_before", r.not_before},
                   {"not_after", r.not_after},
                   {"days_left", nullptr},
                   {"key_type", KeyTypeSpelling(r.key_type)},
                   {"sha256_fingerprint", r.sha256},
                   {"issued_at", r.issued_at},
                   {"revoked_at", nullptr},
                   {"revocation_reason", nullptr}};
  AddSans(r.sans, j);
  if (auto end = ParseUtc(r.not_after)) {
    j["days_left"] = DaysLeft(*end, now);
  }
  if (r.status == CertStatus::kRevoked) {
    j["revoked_at"] = r.revoked_at;
    j["revocation_reason"] = RevocationReasonName(r.revocation_reason);
  }
  return j;
}

nlohmann::json InventoryRecordsJson(const std::vector<InventoryRecord>& records, TimePoint now) {
  nlohmann::json list = nlohmann::json::array();
  for (const auto& r : records) {
    list.push_back(InventoryRecordJson(r, now));
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

Error AlreadyRevokedError(const InventoryRecord& record) {
  return Error(ErrorCode::kAlreadyExists,
               fmt::format("{} (serial {}) is already revoked", PrintableBytes(record.name, 80),
                           record.serial));
}

}  // namespace certmint
