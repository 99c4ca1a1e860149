// `certmint crl`: a CRL file written from the CA's inventory (or, with
// --dry-run, counted), and what is reported about it. The same report
// describes a CRL fetched from the CA service (enroll/crl_refresh.h).
#pragma once

#include <cstddef>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "ca/authority.h"
#include "core/encoding.h"
#include "core/error.h"

namespace certmint {

// --days when not given: until the CRL's nextUpdate.
inline constexpr int kDefaultCrlDays = 7;

struct CrlFileReport {
  bool dry_run = false;
  std::string out;                  // the CRL file
  std::optional<bool> replaced;     // nullopt: a dry run
  std::optional<long long> number;  // nullopt: a dry run, none taken
  size_t revoked = 0;               // entries it lists
  std::optional<TimePoint> next_update;
  std::optional<int> next_update_days;  // nullopt: fetched, the service's choice
};

// CrlFileReportJson: {dry_run, out, replaced, number, revoked, next_update,
// next_update_days}, null for what the report does not know.
nlohmann::json CrlFileReportJson(const CrlFileReport& report);
// CrlFileReportText: one line: "Dry run: OUT would list N revoked
// certificates", "Wrote OUT: CRL number N, M revoked, next update in D
// days", or for a fetched one "Wrote|Unchanged OUT: ... next update TIME".
std::string CrlFileReportText(const CrlFileReport& report);

// CountCrlEntries: what a CRL of the CA in `pki_dir` would list, without
// its key and without taking a CRL number.
Result<CrlFileReport> CountCrlEntries(const std::string& pki_dir, const std::string& out, int days);

// WriteCrlFile publishes the next CRL (PublishCrl) valid `days` from `now`
// and writes it to `out` (PEM, or DER with `der`; 0644, atomically).
Result<CrlFileReport> WriteCrlFile(const CertificateAuthority& ca, const std::string& pki_dir,
                                   const std::string& out, int days, bool der, TimePoint now);

}  // namespace certmint
