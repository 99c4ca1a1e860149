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
#include "identity/reload_hook.h"

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
  // Re-issue (or rewrite the truststores of) identities under OUT that
  // another CA issued (PlanItem::foreign). Without it such a plan is
  // refused: a wrong --dir would otherwise replace the whole cluster.
  bool reissue_foreign = false;
  // Create a CA in pki_dir although OUT holds identities issued by another
  // CA (there is none in pki_dir yet, so all of them are); implies
  // reissue_foreign.
  bool new_ca = false;
  // `apply --exec`: the reload hook of identities whose manifest entry (or
  // its defaults) names none.
  ReloadHook hook{};
};

// Why Open's plan may not be carried out as it stands: another CA's
// identities would be replaced (or a CA created over them) without the
// operator's flag. Nothing has been written when it is found.
struct ApplyRefusal {
  std::string flag;                // what the operator gives to go ahead
  std::vector<std::string> names;  // the identities concerned
  Error error;                     // kRefused, naming the count, names and flag
};

// What Execute did, for the report.
struct ApplyOutcome {
  ApplySummary summary;
  double seconds = 0;
};

class ApplySession {
 public:
  // Locks OUT (unless dry_run), settles the pending inventory records of the
  // manifest's identities that a killed run left (activated when their
  // certificate is the one deployed, superseded when it never was), and
  // makes the plan: revoked certificates (per the inventory) are re-issued,
  // and a plan that would replace another CA's identities without the
  // settings' flag is held back (refusal()).
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
  // The CA Execute created, once it has.
  const std::optional<Certificate>& created_ca() const { return created_ca_; }
  // Set when the plan replaces another CA's identities (or creates a CA
  // over them) without ApplySettings::reissue_foreign / new_ca: Prune and
  // Execute then return its error and write nothing. Found by Open.
  const std::optional<ApplyRefusal>& refusal() const { return refusal_; }
  // Whether `item` is one the refusal holds back.
  bool Refused(const PlanItem& item) const;
  bool rotation_in_progress() const { return context_.previous_ca.has_value(); }
  // How many plan items of `action`.
  int Count(PlanAction action) const;
  // Identities Execute would issue or rewrite.
  size_t todo() const;

  // `apply --prune`: revokes every unlisted identity in the inventory
  // (cessationOfOperation) and removes its directory; `on_removed` is called
  // after each. Returns whether an inventory recorded the revocations. Asks
  // nobody: the caller confirms first (the CLI shows RenderPruneText).
  Result<bool> Prune(const std::function<void(const std::string&)>& on_removed);

  // Loads the CA with `ca_password` (or creates it from the manifest), then
  // issues the plan. `created_ca` is called once a new CA exists.
  Result<ApplySummary> Execute(const SecretString& ca_password, const SecretString* store_password,
                               const std::function<void()>& created_ca,
                               std::function<void(const PlanItem&, const Status&)> on_done);

  // Runs the reload hooks (identity/reload_hook.h): for each identity that
  // `summary` (Execute's; null when nothing was executed) renewed or whose
  // trust it updated, and for each other one whose hook is pending. An
  // identity's hook is its manifest `exec`, else the defaults', else
  // ApplySettings::hook; identities created for the first time get none
  // (nothing runs with them yet). Each outcome goes to `report` and into
  // ReportJson's "hooks"; a failed hook leaves apply's result as it was.
  void RunHooks(const ApplySummary* summary, const HookReport& report);

  // The JSON `apply --json` prints: dry_run, create_ca, new_ca (the CA to
  // create or created: dir, subject, key_type, created; null when none),
  // refused (flag, names, error; null when none), warnings, plan (one object
  // per identity: name, action, reason, foreign; unlisted ones with their
  // certificate: serial, issued, not_after, sans, or null), summary, and
  // after a run (`outcome`) the failures and timing; hooks (RunHooks'
  // outcomes).
  nlohmann::json ReportJson(bool prune, size_t removed, const ApplyOutcome* outcome) const;

  ApplySession(const ApplySession&) = delete;
  ApplySession& operator=(const ApplySession&) = delete;

 private:
  ApplySession(Manifest manifest, ApplySettings settings)
      : manifest_(std::move(manifest)), settings_(std::move(settings)) {}
  Status ReadCa();
  Status ReadRevocations();
  std::optional<ApplyRefusal> FindRefusal() const;
  nlohmann::json NewCaJson() const;
  Status ReconcilePending();
  void WarnAboutCaExpiry();

  Manifest manifest_;  // plan_ points into it: never moved after Open
  ApplySettings settings_;
  std::optional<fs::FileLock> lock_;
  PlanContext context_;
  std::vector<PlanItem> plan_;
  std::vector<UnlistedIdentity> unlisted_;
  std::vector<std::string> warnings_;
  std::optional<ApplyRefusal> refusal_;
  std::optional<Certificate> created_ca_;
  std::vector<HookOutcome> hooks_;
};

}  // namespace certmint
