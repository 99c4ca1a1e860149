#include "cluster/apply_session.h"

#include <fmt/format.h>

#include <algorithm>
#include <set>
#include <thread>

#include "ca/authority.h"
#include "ca/issuer.h"
#include "identity/state.h"
#include "inventory/inventory.h"

namespace certmint {

Result<std::unique_ptr<ApplySession>> ApplySession::Open(Manifest manifest,
                                                         const ApplySettings& settings) {
  if (settings.jobs < 1) {
    return MakeError(ErrorCode::kInvalidArgument, "--jobs: must be at least 1");
  }
  std::unique_ptr<ApplySession> s(new ApplySession(std::move(manifest), settings));
  if (!settings.dry_run) {
    CM_RETURN_IF_ERROR(fs::EnsureDir(settings.out_dir));
    CM_ASSIGN_OR_RETURN(auto lock, fs::FileLock::Acquire(settings.out_dir + "/.certmint.lock"));
    s->lock_.emplace(std::move(lock));
    fs::RemoveStaleStaging(settings.out_dir);
  }
  s->context_.now = settings.now;
  CM_RETURN_IF_ERROR(s->ReadCa());
  CM_ASSIGN_OR_RETURN(s->plan_, MakePlan(s->manifest_, settings.out_dir, s->context_));
  if (!settings.dry_run) {
    CM_RETURN_IF_ERROR(s->ReconcilePending());
  }
  s->unlisted_ = FindUnlisted(s->manifest_, settings.out_dir);
  s->WarnAboutCaExpiry();
  return s;
}

Status ApplySession::ReadCa() {
  const std::string& dir = settings_.pki_dir;
  auto cert = CertificateAuthority::LoadCertificate(dir);
  if (!cert) {
    return cert.error().code() == ErrorCode::kNotFound ? Status{} : tl::unexpected(cert.error());
  }
  context_.ca = *cert;
  CM_ASSIGN_OR_RETURN(context_.trust, TrustAnchors(dir));
  if (RotationInProgress(dir)) {
    CM_ASSIGN_OR_RETURN(auto prev, CertificateAuthority::LoadCertificate(PreviousCaDir(dir)));
    context_.previous_ca = prev;
  }
  return {};
}

// A run killed between recording a certificate and deploying it leaves a
// pending record: whatever is on disk is the valid one. A pending record of
// an identity of the manifest whose files hold another certificate, or none,
// was never deployed (the key it certifies went with the staging directory):
// superseded. Pending records of other names (`issue --out`, `sign`, the
// service's own certificate) are not this run's to judge.
Status ApplySession::ReconcilePending() {
  if (!context_.ca || !fs::Exists(InventoryPath(settings_.pki_dir))) {
    return {};
  }
  CM_ASSIGN_OR_RETURN(auto inv, OpenInventory(settings_.pki_dir));
  CM_ASSIGN_OR_RETURN(auto records, inv->List({}, settings_.now));
  std::set<std::string> listed;
  for (const auto& spec : manifest_.identities) {
    listed.insert(spec.name);
  }
  for (const auto& rec : records) {
    if (rec.status != CertStatus::kPending || listed.count(rec.name) == 0) {
      continue;
    }
    auto state = ReadIdentityState(settings_.out_dir, rec.name);
    if (!state) {
      continue;  // unreadable: the plan re-issues it, which supersedes this
    }
    if (*state && (*state)->certificate.SerialHex() == rec.serial) {
      CM_RETURN_IF_ERROR(inv->Activate(rec.name, rec.serial));
    } else {
      CM_RETURN_IF_ERROR(inv->Abandon(rec.name, rec.serial));
    }
  }
  return {};
}

// A CA that ends before the certificates it would issue: they are cut
// short, and only a rotation gives them their full validity.
void ApplySession::WarnAboutCaExpiry() {
  if (!context_.ca || rotation_in_progress()) {
    return;
  }
  int longest = 0;
  for (const auto& spec : manifest_.identities) {
    longest = std::max(longest, spec.days);
  }
  const TimePoint ca_end = context_.ca->NotAfter();
  if (ca_end >= settings_.now + std::chrono::hours(24) * longest) {
    return;
  }
  const auto left = std::chrono::duration_cast<std::chrono::hours>(ca_end - settings_.now).count();
  warnings_.push_back(fmt::format(
      "the CA expires on {} ({} days left): certificates end with it, and once they are "
      "inside the renewal window apply cannot renew them; rotate the CA: certmint ca rotate "
      "--dir {} (docs/ca-rotation.md)",
      FormatUtc(ca_end), std::max<long long>(left / 24, 0), settings_.pki_dir));
}

int ApplySession::Count(PlanAction action) const {
  return static_cast<int>(std::count_if(plan_.begin(), plan_.end(),
                                        [&](const PlanItem& i) { return i.action == action; }));
}

size_t ApplySession::todo() const {
  return static_cast<size_t>(Count(PlanAction::kCreate) + Count(PlanAction::kRenew) +
                             Count(PlanAction::kTrust));
}

Result<bool> ApplySession::Prune(const std::function<void(const std::string&)>& on_removed) {
  std::unique_ptr<Inventory> inv;
  if (context_.ca && fs::Exists(InventoryPath(settings_.pki_dir))) {
    CM_ASSIGN_OR_RETURN(inv, OpenInventory(settings_.pki_dir));
  }
  for (const auto& u : unlisted_) {
    CM_RETURN_IF_ERROR(WithContext(PruneIdentity(u, settings_.out_dir, inv.get(), settings_.now),
                                   "removing " + u.name));
    if (on_removed) {
      on_removed(u.name);
    }
  }
  return inv != nullptr;
}

Result<ApplySummary> ApplySession::Execute(
    const SecretString& ca_password, const SecretString* store_password,
    const std::function<void()>& created_ca,
    std::function<void(const PlanItem&, const Status&)> on_done) {
  const std::string& dir = settings_.pki_dir;
  std::optional<CertificateAuthority> ca;
  if (context_.ca) {
    CM_ASSIGN_OR_RETURN(auto loaded, CertificateAuthority::Load(dir, ca_password));
    ca.emplace(std::move(loaded));
  } else {
    const CaInitOptions init{manifest_.ca.subject, manifest_.ca.key_type, manifest_.ca.days,
                             settings_.now, kCaKeyIterations};
    CM_ASSIGN_OR_RETURN(auto created,
                        WithContext(CertificateAuthority::Init(dir, init, ca_password),
                                    fmt::format("creating CA in {}", dir)));
    ca.emplace(std::move(created));
    if (created_ca) {
      created_ca();
    }
  }
  CM_ASSIGN_OR_RETURN(auto inventory, OpenInventory(dir));
  ApplyOptions options;
  options.out_dir = settings_.out_dir;
  options.jobs = settings_.jobs;
  options.now = settings_.now;
  options.store_password = store_password;
  CM_ASSIGN_OR_RETURN(options.trust, TrustAnchors(dir));
  options.on_done = std::move(on_done);
  return ApplyPlan(Issuer(*ca, inventory.get()), plan_, options);
}

nlohmann::json ApplySession::ReportJson(bool prune, size_t removed,
                                        const ApplyOutcome* outcome) const {
  nlohmann::json plan = nlohmann::json::array();
  for (const auto& item : plan_) {
    plan.push_back({{"name", item.spec->name},
                    {"action", PlanActionName(item.action)},
                    {"reason", item.reason}});
  }
  for (const auto& u : unlisted_) {
    plan.push_back({{"name", u.name},
                    {"action", prune ? "remove" : "unlisted"},
                    {"reason", UnlistedReason(u, prune)}});
  }
  const ApplySummary none;
  const ApplySummary& summary = outcome != nullptr ? outcome->summary : none;
  nlohmann::json out{{"dry_run", settings_.dry_run},
                     {"create_ca", creates_ca()},
                     {"warnings", warnings_},
                     {"plan", plan},
                     {"summary",
                      {{"created", summary.created},
                       {"renewed", summary.renewed},
                       {"kept", outcome != nullptr ? summary.kept : Count(PlanAction::kKeep)},
                       {"removed", removed},
                       {"failed", summary.failures.size()}}}};
  if (outcome != nullptr) {
    out["summary"]["trust_updated"] = summary.trust_updated;
    out["summary"]["seconds"] = outcome->seconds;
    nlohmann::json failures = nlohmann::json::array();
    for (const auto& [name, err] : summary.failures) {
      failures.push_back({{"name", name}, {"error", err.ToString()}});
    }
    out["failures"] = failures;
  }
  return out;
}

int DefaultApplyJobs() {
  return static_cast<int>(std::min(4 * std::max(1u, std::thread::hardware_concurrency()), 256u));
}

}  // namespace certmint
