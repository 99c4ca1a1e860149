// certmint report: the CA's inventory as a self-contained HTML page or as
// JSON (report/inventory_report.h, report/report_html.h).
#include <fmt/format.h>

#include <iostream>

#include "ca/records.h"
#include "cli/commands.h"
#include "cli/options.h"
#include "core/fs.h"
#include "report/inventory_report.h"
#include "report/report_html.h"

namespace certmint::cli {
namespace {

struct ReportArgs {
  std::string dir;
  std::string html;
  int window_days = kDefaultReportWindowDays;
  bool json = false;
};

Status RunReport(const ReportArgs& a) {
  if (a.html.empty() && !a.json) {
    return MakeError(ErrorCode::kInvalidArgument, "give --html FILE, --json or both");
  }
  if (a.window_days < 1 || a.window_days > 3650) {
    return MakeError(ErrorCode::kInvalidArgument, "--window: 1 to 3650 days");
  }
  CM_ASSIGN_OR_RETURN(auto inventory, OpenCaInventoryReadOnly(a.dir));
  CM_ASSIGN_OR_RETURN(
      auto report,
      GatherInventoryReport(a.dir, *inventory, std::chrono::system_clock::now(), a.window_days));
  nlohmann::json json = InventoryReportJson(report);
  if (!a.html.empty()) {
    const std::string page = ReportPageHtml(a.json ? nlohmann::json(json) : std::move(json));
    CM_RETURN_IF_ERROR(WithContext(fs::WriteFileAtomic(a.html, page, 0644),
                                   "writing the report " + PrintableBytes(a.html)));
  }
  if (a.json) {
    PrintJson(json);
  } else {
    std::cout << fmt::format("Wrote {}: {} certificates, {} CA{}\n", PrintableBytes(a.html),
                             report.records.size(), report.cas.size(),
                             report.cas.size() == 1 ? "" : "s");
  }
  return {};
}

}  // namespace

Runner RegisterReportCommand(CLI::App* app, const GlobalOptions& /*global*/) {
  auto a = std::make_shared<ReportArgs>();
  CLI::App* cmd = app->add_subcommand(
      "report", "The CA's inventory at a glance: a self-contained HTML page, or JSON");
  AddCaDir(cmd, &a->dir);
  cmd->add_option("--html", a->html,
                  "Write the page to FILE (atomically): expiry timeline, counts, a sortable table, "
                  "the CA(s) and revocations; no network fetches");
  cmd->add_option("--window", a->window_days,
                  "Renewal window in days: valid certificates ending sooner are 'expiring'");
  AddJson(cmd, &a->json, "the report");
  return FromStatus([a] { return RunReport(*a); });
}

}  // namespace certmint::cli
