// What `certmint renew` reports: the identities renewed, those not due, the
// CRL files replaced and the reload hooks' outcomes, whether the local CA
// or the CA service renewed them. One shape for both (docs/json.md).
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "core/encoding.h"
#include "enroll/renewal_daemon.h"
#include "identity/reload_hook.h"

namespace certmint {

struct RenewedIdentity {
  std::string name;
  std::optional<TimePoint> not_after;  // nullopt: the renewed files could not be read back
  bool same_key = false;
  bool new_store_password = false;     // given, or random
  bool random_store_password = false;  // random, written to its password file
};

struct NotDueIdentity {
  std::string name;
  std::optional<TimePoint> due;  // nullopt: cut short by its CA, never due again
};

struct CrlFileUpdated {
  std::string name;
  long long number = 0;
  TimePoint next_update;
};

struct RenewReport {
  std::vector<RenewedIdentity> renewed;
  std::vector<NotDueIdentity> not_due;
  std::vector<CrlFileUpdated> crl_updated;
  std::vector<HookOutcome> hooks;
};

// AddRenewalEvent records what a pass through the CA service reported
// (renewed with `same_key`, CRL updated, or not due / cut short).
void AddRenewalEvent(RenewReport& report, const RenewalEvent& event, bool same_key);

// RenewReportJson: {"dry_run": false, "renewed": [{name, not_after,
// same_key, new_store_password}], "not_due": [{name, due}], "crl_updated":
// [{name, number, next_update}], "hooks": [HookOutcomeJson]}.
nlohmann::json RenewReportJson(const RenewReport& report);

// RenewedText: "Renewed NAME (same key), new store password: valid until
// TIME", one line.
std::string RenewedText(const RenewedIdentity& renewed);

// What a dry run would renew: {"dry_run": true, "renew": [NAME...]}, or the
// line "Dry run: would renew A, B".
nlohmann::json RenewDryRunJson(const std::vector<std::string>& names);
std::string RenewDryRunText(const std::vector<std::string>& names);

// When --expiring finds nothing: RenewDryRunJson({}) for a dry run, else an
// empty RenewReportJson with `hooks`; the text names OUT and DAYS.
nlohmann::json NothingToRenewJson(bool dry_run, const std::vector<HookOutcome>& hooks);
std::string NothingToRenewText(const std::string& out_dir, int days);

}  // namespace certmint
