// certmint report: the CA's inventory as a self-contained HTML page or as
// JSON (report/inventory_report.h, report/report_html.h).
#include "cli/commands.h"
#include "cli/options.h"
#include "core/clock.h"
#include "report/report_flags.h"

namespace certmint::cli {
namespace {

Status RunReport(const ReportFlags& flags) {
  CM_ASSIGN_OR_RETURN(auto out, ReportFromFlags(flags, SystemNow()));
  PrintResult(flags.json, out.json, out.text);
  return {};
}

}  // namespace

Runner RegisterReportCommand(CLI::App* app, const GlobalOptions& /*global*/) {
  auto a = std::make_shared<ReportFlags>();
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
