// One `certmint apply` run, apart from the command line: lock OUT, reconcile
// what an interrupted run left pending, plan, warn when the CA ends before
// the certificates it would issue, prune, load or create the CA and carry the
// plan out. The CLI parses, reads passwords and prints; this decides.
#pragma once

#include <functional>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "cluster/apply.h"
#include "cluster/manifest.h"
#include "cluster/plan.h"
#include "core/error.h"
#include "core/fs.h"
#include "core/secret.h"

namespace certmint {

// Four workers per hardware thread: while some identities wait for their
// fsyncs, others' keys are being made, so the cores stay busy (measured in
// docs/performance.md: 4x beat 2x; 8x was within the run-to-run noise).
// Capped at 256, so that a large machine does not start thousands of threads.
int DefaultApplyJobs();

struct ApplySettings {
  std::string pki_dir;
  std::string out_dir;
  int jobs = DefaultApplyJobs();
  // Plan only: OUT is neither created nor locked, nothing is written.
  bool dry_run = false;
  TimePoint now = std::chrono::system_clock::now();
};

// What Execute did, for the report.
struct ApplyOutcome {
  ApplySummary summary;
  double seconds = 0;
};

class ApplySession {
 public:
  // Locks OUT (unless dry_run), makes the plan, and settles the pending
  // inventory records of the manifest's identities that a killed run left:
  // activated when their certificate is the one deployed, superseded when
  // it never was.
  static Result<std::unique_ptr<ApplySession>> Open(Manifest manifest,
                                                    const ApplySettings& settings);

  const Manifest& manifest() const { return manifest_; }
  const std::vector<PlanItem>& plan() const { return plan_; }
  // Identity directories under OUT that the manifest does not name.
  const std::vector<UnlistedIdentity>& unlisted() const { return unlisted_; }
  // Said before anything is done (the CA ends before the certificates it
  // would issue, so they are cut short: rotate it).
  const std::vector<std::string>& warnings() const { return warnings_; }
  // No CA in the PKI directory yet: Execute creates it.
  bool creates_ca() const { return !context_.ca.has_value(); }
  bool rotation_in_progress() const { return context_.previous_ca.has_value(); }
  // How many plan items of `action`.
  int Count(PlanAction action) const;
  // Identities Execute would issue or rewrite.
  size_t todo() const;

  // `apply --prune`: revokes every unlisted identity in the inventory
  // (cessationOfOperation) and removes its directory; `on_removed` is called
  // after each. Returns whether an inventory recorded the revocations.
  Result<bool> Prune(const std::function<void(const std::string&)>& on_removed);

  // Loads the CA with `ca_password` (or creates it from the manifest), then
  // issues the plan. `created_ca` is called once a new CA exists.
  Result<ApplySummary> Execute(const SecretString& ca_password, const SecretString* store_password,
                               const std::function<void()>& created_ca,
                               std::function<void(const PlanItem&, const Status&)> on_done);

  // The JSON `apply --json` prints: dry_run, create_ca, warnings, plan (one
  // object per identity: name, action, reason), summary, and after a run
  // (`outcome`) the failures and timing.
  nlohmann::json ReportJson(bool prune, size_t removed, const ApplyOutcome* outcome) const;

  ApplySession(const ApplySession&) = delete;
  ApplySession& operator=(const ApplySession&) = delete;

 private:
  ApplySession(Manifest manifest, ApplySettings settings)
      : manifest_(std::move(manifest)), settings_(std::move(settings)) {}
  Status ReadCa();
  Status ReconcilePending();
  void WarnAboutCaExpiry();

  Manifest manifest_;  // plan_ points into it: never moved after Open
  ApplySettings settings_;
  std::optional<fs::FileLock> lock_;
  PlanContext context_;
  std::vector<PlanItem> plan_;
  std::vector<UnlistedIdentity> unlisted_;
  std::vector<std::string> warnings_;
};

}  // namespace certmint
