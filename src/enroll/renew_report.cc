#include "enroll/renew_report.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

namespace certmint {

void AddRenewalEvent(RenewReport& report, const RenewalEvent& e, bool same_key) {
  if (e.kind == RenewalEvent::Kind::kRenewed) {
    report.renewed.push_back({e.name, e.valid_until, same_key, false, false});
  } else if (e.kind == RenewalEvent::Kind::kCrlUpdated) {
    report.crl_updated.push_back({e.name, e.crl_number, e.valid_until});
  } else {  // not due yet, or cut short by its CA: never due again
    report.not_due.push_back(
        {e.name, e.kind == RenewalEvent::Kind::kNotDue ? std::optional(e.due) : std::nullopt});
  }
}

nlohmann::json RenewReportJson(const RenewReport& report) {
  nlohmann::json renewed = nlohmann::json::array();
  for (const auto& r : report.renewed) {
    renewed.push_back({{"name", r.name},
                       {"not_after", r.not_after ? nlohmann::json(FormatUtc(*r.not_after))
                                                 : nlohmann::json(nullptr)},
                       {"same_key", r.same_key},
                       {"new_store_password", r.new_store_password}});
  }
  nlohmann::json not_due = nlohmann::json::array();
  for (const auto& n : report.not_due) {
    not_due.push_back(
        {{"name", n.name},
         {"due", n.due ? nlohmann::json(FormatUtc(*n.due)) : nlohmann::json(nullptr)}});
  }
  nlohmann::json crl_updated = nlohmann::json::array();
  for (const auto& c : report.crl_updated) {
    crl_updated.push_back(
        {{"name", c.name}, {"number", c.number}, {"next_update", FormatUtc(c.next_update)}});
  }
  nlohmann::json hooks = nlohmann::json::array();
  for (const auto& h : report.hooks) {
    hooks.push_back(HookOutcomeJson(h));
  }
  return {{"dry_run", false},
          {"renewed", renewed},
          {"not_due", not_due},
          {"crl_updated", crl_updated},
          {"hooks", hooks}};
}

std::string RenewedText(const RenewedIdentity& r) {
  const char* password_note = r.random_store_password ? ", new random store password in its "
                                                        "password file"
                              : r.new_store_password  ? ", new store password"
                                                      : "";
  return fmt::format("Renewed {}{}{}: valid until {}\n", r.name, r.same_key ? " (same key)" : "",
                     password_note, r.not_after ? FormatUtc(*r.not_after) : "");
}

nlohmann::json RenewDryRunJson(const std::vector<std::string>& names) {
  return {{"dry_run", true}, {"renew", names}};
}

std::string RenewDryRunText(const std::vector<std::string>& names) {
  return fmt::format("Dry run: would renew {}\n", fmt::join(names, ", "));
}

nlohmann::json NothingToRenewJson(bool dry_run, const std::vector<HookOutcome>& hooks) {
  if (dry_run) {
    return {{"dry_run", true}, {"renew", nlohmann::json::array()}};
  }
  return RenewReportJson({{}, {}, {}, hooks});
}

std::string NothingToRenewText(const std::string& out_dir, int days) {
  return fmt::format("No identity in {} expires within {} days.\n", out_dir, days);
}

}  // namespace certmint
