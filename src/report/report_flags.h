// `certmint report`'s flags as given: checked, the inventory gathered, the
// page written; what to print is returned.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "core/clock.h"
#include "core/error.h"
#include "report/inventory_report.h"

namespace certmint {

struct ReportFlags {
  std::string dir;   // the CA's
  std::string html;  // the page to write; empty: none
  int window_days = kDefaultReportWindowDays;
  bool json = false;  // the report on stdout
};

struct ReportOutput {
  nlohmann::json json;  // with --json: the report
  std::string text;     // without: "Wrote FILE: N certificates, M CAs"
};

// ReportFromFlags gathers the report of `flags.dir`'s inventory at `now`
// and writes the HTML page atomically when asked. kInvalidArgument without
// --html or --json, or a window outside 1..3650 days.
Result<ReportOutput> ReportFromFlags(const ReportFlags& flags, TimePoint now);

}  // namespace certmint
