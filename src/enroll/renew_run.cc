#include "enroll/renew_run.h"

#include <fmt/format.h>

#include <utility>
#include <vector>

#include "enroll/renew_report.h"
#include "enroll/renewal_daemon.h"
#include "enroll/renewal_text.h"
#include "identity/renew_batch.h"
#include "identity/state.h"

namespace certmint {
namespace {

// renew --server: through the CA service, authenticated by each identity's
// current certificate. With --if-due only those two thirds into their
// lifetime; --daemon keeps doing that, sleeping until the next is due.
Result<RenewResult> RenewThroughService(const RenewJob& r, const RenewOptions& options,
                                        RenewReport& report, const ConsoleSink& print) {
  const RenewFlags& f = r.flags;
  RenewalRun run;
  run.out_dir = f.out;
  run.names = f.names;
  run.options = options;
  CM_ASSIGN_OR_RETURN(run.url, ParseServerUrl(f.server));
  CM_RETURN_IF_ERROR(CheckIdentitiesExist(f.out, f.names));
  const auto text = [&](const RenewalEvent& e) {
    print({RenewalEventText(e, run.url.ToString()), ""});
  };
  if (!f.daemon && r.json) {
    const auto collect = [&](const RenewalEvent& e) { AddRenewalEvent(report, e, f.keep_key); };
    CM_RETURN_IF_ERROR(RenewDueIdentities(run, f.if_due, collect));
    return RenewResult{RenewReportJson(report), ""};
  }
  if (!f.daemon) {
    CM_RETURN_IF_ERROR(RenewDueIdentities(run, f.if_due, text));
    return RenewResult{};
  }
  if (r.json) {
    return MakeError(ErrorCode::kInvalidArgument,
                     "--json: not with --daemon, whose output is a log of events");
  }
  // Daemon: SIGTERM/SIGINT end the wait; failures are retried with backoff.
  RenewalDaemonHooks hooks;
  hooks.scheduled = [&](TimePoint next) {
    print({fmt::format("next renewal due at {}\n", FormatUtc(next)), ""});
  };
  hooks.failed = [&](const Error& e, std::chrono::seconds retry_in) {
    print(
        {"", fmt::format("certmint renew: {}; retrying in {}s\n", e.message(), retry_in.count())});
  };
  RunRenewalDaemon(run, r.stop(), text, hooks);
  return RenewResult{nullptr, "certmint renew: stopped\n"};
}

Result<RenewResult> RenewLocally(const RenewJob& r, const std::vector<std::string>& names,
                                 const RenewOptions& options, RenewReport& report,
                                 const ConsoleSink& print) {
  const RenewFlags& f = r.flags;
  CM_ASSIGN_OR_RETURN(auto ca, UnlockCa(f.dir, r.ca_password));
  const bool new_password = options.new_store_password != nullptr || r.new_password.random;
  CM_RETURN_IF_ERROR(RenewWithLocalCa(
      ca, f.dir, f.out, names, options,
      [&](const std::string& name, std::optional<TimePoint> until) {
        report.renewed.push_back({name, until, f.keep_key, new_password, r.new_password.random});
        if (!r.json) {
          print({RenewedText(report.renewed.back()), ""});
        }
      }));
  return RenewResult{RenewReportJson(report), ""};
}

}  // namespace

Result<RenewResult> RenewIdentities(const RenewJob& r, const ConsoleSink& print) {
  const RenewFlags& f = r.flags;
  CM_RETURN_IF_ERROR(CheckRenewFlags(f));
  CM_ASSIGN_OR_RETURN(const ReloadHook hook, ParseReloadHookFlags(r.hook));
  RenewReport report;
  const HookReport on_hook = [&](const HookOutcome& outcome) {
    report.hooks.push_back(outcome);
    print(HookOutcomeConsoleText(outcome, r.json));
  };
  std::vector<std::string> names;
  if (f.server.empty()) {
    CM_ASSIGN_OR_RETURN(names, SelectIdentities(f.out, f.names, f.expiring, r.now));
    if (names.empty()) {  // only with --expiring: names were required otherwise
      if (!f.dry_run) {
        RetryPendingHooks(hook, f.out, ListIdentities(f.out), on_hook);
      }
      return RenewResult{NothingToRenewJson(f.dry_run, report.hooks),
                         NothingToRenewText(f.out, *f.expiring)};
    }
  }
  if (f.dry_run) {
    return RenewResult{RenewDryRunJson(names), RenewDryRunText(names)};
  }
  CM_ASSIGN_OR_RETURN(auto store_pw, r.store_password());
  CM_ASSIGN_OR_RETURN(auto new_pw, ReadRenewalPassword(r.new_password));
  RenewOptions o;
  o.keep_key = f.keep_key;
  o.days = f.days;
  o.store_password = store_pw ? &*store_pw : nullptr;
  o.new_store_password = new_pw ? &*new_pw : nullptr;
  o.new_random_password = r.new_password.random;
  o.now = r.now;
  o.hook = hook;
  o.on_hook = on_hook;
  if (!f.server.empty()) {
    return RenewThroughService(r, o, report, print);
  }
  return RenewLocally(r, names, o, report, print);
}

}  // namespace certmint
