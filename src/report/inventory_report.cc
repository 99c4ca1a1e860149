#include "report/inventory_report.h"

#include <openssl/evp.h>

#include <map>

#include "ca/authority.h"
#include "inventory/record_render.h"
#include "keys/private_key.h"
#include "x509/role.h"

namespace certmint {
namespace {

nlohmann::json CaJson(const ReportCa& ca, TimePoint now) {
  const Certificate& c = ca.certificate;
  return {{"role", ca.role},
          {"subject", c.Subject().ToString()},
          {"not_before", FormatUtc(c.NotBefore())},
          {"not_after", FormatUtc(c.NotAfter())},
          {"days_left", DaysLeft(c.NotAfter(), now)},
          {"serial", c.SerialHex()},
          {"sha256_fingerprint", c.Sha256Fingerprint()}};
}

// The DER inside the first "CERTIFICATE" PEM block of `pem` (RFC 7468).
Result<std::string> CertificateDerFromPem(std::string_view pem) {
  constexpr std::string_view kBegin = "-----BEGIN CERTIFICATE-----";
  constexpr std::string_view kEnd = "-----END CERTIFICATE-----";
  const size_t begin = pem.find(kBegin);
  const size_t end = begin == std::string_view::npos ? begin : pem.find(kEnd, begin);
  if (end == std::string_view::npos) {
    return MakeError(ErrorCode::kInvalidData, "no PEM certificate found");
  }
  std::string b64;
  for (const char c : pem.substr(begin + kBegin.size(), end - begin - kBegin.size())) {
    if (c != '\n' && c != '\r' && c != ' ' && c != '\t') {
      b64 += c;
    }
  }
  std::string der(b64.size() / 4 * 3, '\0');
  const int n = EVP_DecodeBlock(reinterpret_cast<unsigned char*>(der.data()),
                                reinterpret_cast<const unsigned char*>(b64.data()),
                                static_cast<int>(b64.size()));
  if (n < 0 || b64.size() % 4 != 0) {
    return MakeError(ErrorCode::kInvalidData, "the PEM certificate is not base64");
  }
  // EVP_DecodeBlock counts the padding's bytes as data.
  const size_t padding = b64.ends_with("==") ? 2 : b64.ends_with("=") ? 1 : 0;
  der.resize(static_cast<size_t>(n) - padding);
  return der;
}

TokenCounts CountTokens(const std::vector<TokenRecord>& tokens, TimePoint now) {
  TokenCounts counts;
  for (const auto& t : tokens) {
    switch (TokenState(t, now)) {
      case RedeemOutcome::kRedeemed:
        ++counts.unused;
        break;
      case RedeemOutcome::kUsed:
        ++counts.used;
        break;
      case RedeemOutcome::kExpired:
        ++counts.expired;
        break;
      case RedeemOutcome::kRevoked:
      case RedeemOutcome::kUnknown:
        ++counts.revoked;
        break;
    }
  }
  return counts;
}

}  // namespace

Result<InventoryReport> GatherInventoryReport(const std::string& dir, Inventory& inventory,
                                              TimePoint now, int window_days) {
  InventoryReport report;
  report.generated_at = now;
  report.window_days = window_days;
  CM_ASSIGN_OR_RETURN(auto current, CertificateAuthority::LoadCertificate(dir));
  report.cas.push_back({"current", std::move(current)});
  if (RotationInProgress(dir)) {
    CM_ASSIGN_OR_RETURN(
        auto previous,
        WithContext(CertificateAuthority::LoadCertificate(PreviousCaDir(dir)), "the previous CA"));
    report.cas.push_back({"previous", std::move(previous)});
  }
  CM_ASSIGN_OR_RETURN(auto records, WithContext(inventory.List({}, now), "the inventory"));
  for (auto& r : records) {
    if (r.status == CertStatus::kSuperseded) {
      ++report.superseded;
    } else {
      report.records.push_back(std::move(r));
    }
  }
  CM_ASSIGN_OR_RETURN(auto tokens, WithContext(inventory.ListTokens(), "the enrollment tokens"));
  report.tokens = CountTokens(tokens, now);
  return report;
}

std::string_view DisplayStatus(const InventoryRecord& record, TimePoint now, int window_days) {
  if (record.status != CertStatus::kValid) {
    return CertStatusName(record.status);
  }
  const auto end = ParseUtc(record.not_after);
  if (!end) {
    return "valid";
  }
  const long long days = DaysLeft(*end, now);
  return *end <= now ? "expired" : days < window_days ? "expiring" : "valid";
}

std::string RecordRole(const InventoryRecord& record) {
  const auto der = CertificateDerFromPem(record.certificate_pem);
  const auto role = der ? RoleOfDer(*der) : Result<Role>(tl::unexpected(der.error()));
  return role ? std::string(RoleName(*role)) : "unknown";
}

nlohmann::json InventoryReportJson(const InventoryReport& report) {
  const TimePoint now = report.generated_at;
  nlohmann::json cas = nlohmann::json::array();
  for (const auto& ca : report.cas) {
    cas.push_back(CaJson(ca, now));
  }
  std::map<std::string, long long> by_status{
      {"valid", 0}, {"expiring", 0}, {"expired", 0}, {"pending", 0}, {"revoked", 0}};
  std::map<std::string, long long> by_role;
  nlohmann::json certificates = nlohmann::json::array();
  for (const auto& r : report.records) {
    nlohmann::json j = InventoryRecordJson(r, now);
    const std::string status(DisplayStatus(r, now, report.window_days));
    j["role"] = RecordRole(r);
    j["display_status"] = status;
    ++by_status[status];
    ++by_role[j["role"].get<std::string>()];
    certificates.push_back(std::move(j));
  }
  const TokenCounts& t = report.tokens;
  return {
      {"generated_at", FormatUtc(now)},
      {"window_days", report.window_days},
      {"cas", std::move(cas)},
      {"rotation_in_progress", report.cas.size() > 1},
      {"counts",
       {{"by_status", by_status}, {"by_role", by_role}, {"superseded", report.superseded}}},
      {"tokens",
       {{"unused", t.unused}, {"used", t.used}, {"expired", t.expired}, {"revoked", t.revoked}}},
      {"certificates", std::move(certificates)}};
}

}  // namespace certmint
