#include "ca/crl_file.h"

#include <fmt/format.h>

#include <chrono>

#include "ca/records.h"
#include "core/fs.h"

namespace certmint {
namespace {

template <typename T>
nlohmann::json OrNull(const std::optional<T>& value) {
  return value ? nlohmann::json(*value) : nlohmann::json(nullptr);
}

}  // namespace

nlohmann::json CrlFileReportJson(const CrlFileReport& r) {
  return {{"dry_run", r.dry_run},
          {"out", r.out},
          {"replaced", OrNull(r.replaced)},
          {"number", OrNull(r.number)},
          {"revoked", r.revoked},
          {"next_update",
           r.next_update ? nlohmann::json(FormatUtc(*r.next_update)) : nlohmann::json(nullptr)},
          {"next_update_days", OrNull(r.next_update_days)}};
}

std::string CrlFileReportText(const CrlFileReport& r) {
  if (r.dry_run) {
    return fmt::format("Dry run: {} would list {} revoked certificates\n", r.out, r.revoked);
  }
  if (r.next_update_days) {
    return fmt::format("Wrote {}: CRL number {}, {} revoked, next update in {} days\n", r.out,
                       r.number.value_or(0), r.revoked, *r.next_update_days);
  }
  return fmt::format("{} {}: CRL number {}, {} revoked, next update {}\n",
                     r.replaced.value_or(false) ? "Wrote" : "Unchanged", r.out,
                     r.number.value_or(0), r.revoked,
                     r.next_update ? FormatUtc(*r.next_update) : "");
}

Result<CrlFileReport> CountCrlEntries(const std::string& pki_dir, const std::string& out,
                                      int days) {
  CM_ASSIGN_OR_RETURN(auto ca_cert, CertificateAuthority::LoadCertificate(pki_dir));
  CM_ASSIGN_OR_RETURN(auto inventory, OpenCaInventoryReadOnly(pki_dir));
  CM_ASSIGN_OR_RETURN(auto revoked, inventory->RevokedBy(ca_cert.Sha256Fingerprint()));
  CrlFileReport report;
  report.dry_run = true;
  report.out = out;
  report.revoked = revoked.size();
  report.next_update_days = days;
  return report;
}

Result<CrlFileReport> WriteCrlFile(const CertificateAuthority& ca, const std::string& pki_dir,
                                   const std::string& out, int days, bool der, TimePoint now) {
  CM_ASSIGN_OR_RETURN(auto published, PublishCrl(ca, pki_dir, days, now));
  const EncodedCrl& crl = published.crl;
  CM_RETURN_IF_ERROR(fs::WriteFileAtomic(out, der ? crl.der : crl.pem, fs::kPublicFile));
  return CrlFileReport{.dry_run = false,
                       .out = out,
                       .replaced = true,
                       .number = published.number,
                       .revoked = published.revoked,
                       .next_update = now + std::chrono::hours(24) * days,
                       .next_update_days = days};
}

}  // namespace certmint
