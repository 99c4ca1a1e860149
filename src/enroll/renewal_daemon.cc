#include "enroll/renewal_daemon.h"

#include <fmt/format.h>

#include <algorithm>
#include <thread>

#include "core/fs.h"
#include "enroll/crl_refresh.h"
#include "enroll/enroll.h"
#include "identity/files.h"
#include "identity/state.h"

namespace certmint {
namespace {

void PollUntil(const Clock& clock, TimePoint until, const std::atomic<bool>& stop) {
  while (!stop && clock() < until) {
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
  }
}

Result<IdentityState> StateOf(const std::string& out_dir, const std::string& name) {
  CM_ASSIGN_OR_RETURN(auto state, ReadIdentityState(out_dir, name));
  if (!state) {
    return MakeError(ErrorCode::kNotFound, fmt::format("{}/{} does not exist", out_dir, name));
  }
  return std::move(*state);
}

// Refreshes OUT/NAME/crl.pem when the identity has one, trusting its
// ca.crt; false when it has none.
Result<bool> RefreshIdentityCrl(const RenewalRun& run, const std::string& name,
                                const RenewalReport& report) {
  const std::string dir = run.out_dir + "/" + name;
  const std::string path = dir + "/" + std::string(kIdentityCrlFile);
  if (!fs::Exists(path)) {
    return false;
  }
  const std::string context = "refreshing the CRL of " + name;
  CM_ASSIGN_OR_RETURN(auto anchors, WithContext(LoadCrlAnchors(dir + "/ca.crt", name), context));
  CM_ASSIGN_OR_RETURN(auto update,
                      WithContext(RefreshCrlFile(run.url, anchors, path, run.clock()), context));
  if (update.replaced) {
    report({RenewalEvent::Kind::kCrlUpdated, name, TimePoint{}, update.crl.next_update,
            update.crl.number});
  }
  return true;
}

}  // namespace

Result<TimePoint> RenewDueIdentities(const RenewalRun& run, bool only_due,
                                     const RenewalReport& report) {
  TimePoint next = TimePoint::max();
  for (const auto& name : run.names) {
    CM_ASSIGN_OR_RETURN(auto state, StateOf(run.out_dir, name));
    const TimePoint now = run.clock();
    const TimePoint due = RenewalDue(state.certificate);
    const TimePoint end = state.certificate.NotAfter();
    if (only_due && now < due) {
      const auto kind = due >= end ? RenewalEvent::Kind::kCutShort : RenewalEvent::Kind::kNotDue;
      report({kind, name, due, end});
      next = std::min(next, due);
      // A hook that failed since the last renewal is run again now, and
      // again after kHookRetryInterval while it keeps failing.
      if (RetryPendingHooks(run.options.hook, run.out_dir, {name}, run.options.on_hook) > 0) {
        next = std::min(next, now + kHookRetryInterval);
      }
      continue;
    }
    RenewOptions options = run.options;
    options.now = now;
    CM_RETURN_IF_ERROR(WithContext(RenewIdentityWithServer(run.url, run.out_dir, name, options),
                                   "renewing " + name));
    CM_ASSIGN_OR_RETURN(auto renewed, StateOf(run.out_dir, name));
    const TimePoint renewed_due = RenewalDue(renewed.certificate);
    report({RenewalEvent::Kind::kRenewed, name, renewed_due, renewed.certificate.NotAfter()});
    next = std::min(next, renewed_due);
    if (!run.options.hook.empty() && ReloadHookPending(run.out_dir, name)) {
      next = std::min(next, run.clock() + kHookRetryInterval);
    }
  }
  for (const auto& name : run.names) {
    CM_ASSIGN_OR_RETURN(const bool has_crl, RefreshIdentityCrl(run, name, report));
    if (has_crl) {
      next = std::min(next, run.clock() + kCrlRefreshInterval);
    }
  }
  return next;
}

void RunRenewalDaemon(const RenewalRun& run, const std::atomic<bool>& stop,
                      const RenewalReport& report, const RenewalDaemonHooks& hooks) {
  auto backoff = kRenewalInitialBackoff;
  while (!stop) {
    auto next = RenewDueIdentities(run, /*only_due=*/true, report);
    TimePoint wake;
    if (next) {
      backoff = kRenewalInitialBackoff;
      wake = *next;
      if (hooks.scheduled) {
        hooks.scheduled(wake);
      }
    } else {
      if (hooks.failed) {
        hooks.failed(next.error(), backoff);
      }
      wake = run.clock() + backoff;
      backoff = std::min<std::chrono::seconds>(backoff * 2, kRenewalMaxBackoff);
    }
    if (hooks.wait) {
      hooks.wait(wake, stop);
    } else {
      PollUntil(run.clock, wake, stop);
    }
  }
}

}  // namespace certmint
