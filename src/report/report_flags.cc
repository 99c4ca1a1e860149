#include "report/report_flags.h"

#include <fmt/format.h>

#include "ca/records.h"
#include "core/encoding.h"
#include "core/fs.h"
#include "report/report_html.h"

namespace certmint {

Result<ReportOutput> ReportFromFlags(const ReportFlags& f, TimePoint now) {
  if (f.html.empty() && !f.json) {
    return MakeError(ErrorCode::kInvalidArgument, "give --html FILE, --json or both");
  }
  if (f.window_days < 1 || f.window_days > 3650) {
    return MakeError(ErrorCode::kInvalidArgument, "--window: 1 to 3650 days");
  }
  CM_ASSIGN_OR_RETURN(auto inventory, OpenCaInventoryReadOnly(f.dir));
  CM_ASSIGN_OR_RETURN(auto report, GatherInventoryReport(f.dir, *inventory, now, f.window_days));
  ReportOutput out;
  nlohmann::json json = InventoryReportJson(report);
  if (!f.html.empty()) {
    const std::string page = ReportPageHtml(f.json ? nlohmann::json(json) : std::move(json));
    CM_RETURN_IF_ERROR(WithContext(fs::WriteFileAtomic(f.html, page, 0644),
                                   "writing the report " + PrintableBytes(f.html)));
  }
  if (f.json) {
    out.json = std::move(json);
  } else {
    out.text =
        fmt::format("Wrote {}: {} certificates, {} CA{}\n", PrintableBytes(f.html),
                    report.records.size(), report.cas.size(), report.cas.size() == 1 ? "" : "s");
  }
  return out;
}

}  // namespace certmint
