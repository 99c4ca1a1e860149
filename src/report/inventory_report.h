// One picture of a CA directory for people (issue 24): every certificate the
// CA issued with its role and days left, the CA(s) with their expiry and
// rotation state, the revoked certificates and the enrollment tokens, as one
// value. `certmint report` renders it to a file (JSON, or the self-contained
// HTML page of report/report_html.h); `certmint serve` renders it per
// request at /v1/inventory and /ui/ for administrators.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "core/encoding.h"
#include "core/error.h"
#include "inventory/inventory.h"
#include "x509/certificate.h"

namespace certmint {

// The renewal window the report shades and calls "expiring": valid
// certificates ending within this many days.
inline constexpr int kDefaultReportWindowDays = 30;

// A CA of the directory: "current", or "previous" during a rotation
// (docs/ca-rotation.md).
struct ReportCa {
  std::string role;
  Certificate certificate;
};

// Enrollment tokens by state (TokenState).
struct TokenCounts {
  long long unused = 0;
  long long used = 0;
  long long expired = 0;
  long long revoked = 0;
};

struct InventoryReport {
  TimePoint generated_at;
  int window_days = kDefaultReportWindowDays;
  std::vector<ReportCa> cas;  // the current CA first
  // Every certificate but superseded ones (valid, pending, revoked), in the
  // inventory's order; superseded ones are only counted.
  std::vector<InventoryRecord> records;
  long long superseded = 0;
  TokenCounts tokens;
};

// Reads the CA certificate(s) of `dir` (no password) and everything in
// `inventory` at `now`. Errors name what could not be read.
Result<InventoryReport> GatherInventoryReport(const std::string& dir, Inventory& inventory,
                                              TimePoint now, int window_days);

// The status a person reads: "expired" and "expiring" (within the window)
// for valid certificates, else the inventory's status.
std::string_view DisplayStatus(const InventoryRecord& record, TimePoint now, int window_days);

// The certificate's role as `certmint issue --role` spells it, from its
// extendedKeyUsage; "unknown" when the inventory holds no readable PEM.
std::string RecordRole(const InventoryRecord& record);

// The report as docs/json.md's "inventory report": generated_at,
// window_days, cas, rotation_in_progress, counts {by_status, by_role,
// superseded}, tokens, certificates (the "certificate record" plus role and
// display_status).
nlohmann::json InventoryReportJson(const InventoryReport& report);

}  // namespace certmint
