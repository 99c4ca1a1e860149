#include "cluster/apply_session.h"

#include <fmt/format.h>

#include <algorithm>
#include <set>
#include <thread>

#include "ca/authority.h"
#include "ca/crl.h"
#include "ca/issuer.h"
#include "core/encoding.h"
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
  CM_RETURN_IF_ERROR(s->ReadRevocations());
  CM_ASSIGN_OR_RETURN(s->plan_, MakePlan(s->manifest_, settings.out_dir, s->context_));
  if (!settings.dry_run) {
    CM_RETURN_IF_ERROR(s->ReconcilePending());
  }
  s->unlisted_ = FindUnlisted(s->manifest_, settings.out_dir);
  s->refusal_ = s->FindRefusal();
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

// The revoked certificates of the inventory, so that the plan re-issues a
// revoked identity instead of keeping it. Read only: a dry run writes
// nothing, and a PKI directory without an inventory has revoked nothing.
Status ApplySession::ReadRevocations() {
  if (!context_.ca || !HasInventory(settings_.pki_dir)) {
    return {};
  }
  CM_ASSIGN_OR_RETURN(auto inv, OpenInventory(settings_.pki_dir));
  InventoryFilter revoked;
  revoked.revoked_only = true;
  CM_ASSIGN_OR_RETURN(context_.revoked, inv->List(revoked, settings_.now));
  return {};
}

namespace {

// "a, b, c and 4 more".
std::string SomeNames(const std::vector<std::string>& names) {
  constexpr size_t kShown = 5;
  std::string out;
  for (size_t i = 0; i < names.size() && i < kShown; ++i) {
    out += (i ? ", " : "") + PrintableBytes(names[i]);
  }
  return names.size() > kShown ? fmt::format("{} and {} more", out, names.size() - kShown) : out;
}

}  // namespace

// A wrong --dir (a typo, another cluster's CA) makes every identity under
// OUT look foreign: without the operator's word, nothing of it is replaced.
std::optional<ApplyRefusal> ApplySession::FindRefusal() const {
  if (settings_.new_ca || (settings_.reissue_foreign && !creates_ca())) {
    return std::nullopt;
  }
  std::vector<std::string> names;
  for (const auto& item : plan_) {
    if (item.foreign && (creates_ca() || item.action != PlanAction::kKeep)) {
      names.push_back(item.spec->name);
    }
  }
  for (const auto& u : unlisted_) {
    if (creates_ca() && u.certificate) {
      names.push_back(u.name);
    }
  }
  if (names.empty()) {
    return std::nullopt;
  }
  const std::string& out = settings_.out_dir;
  const std::string& pki = settings_.pki_dir;
  std::string message =
      creates_ca() ? fmt::format(
                         "refusing to create a new CA in {}: {} already holds {} identit{} issued "
                         "by another CA ({}); is --dir right? To start over with a new CA that "
                         "re-issues all of them, give --new-ca",
                         pki, out, names.size(), names.size() == 1 ? "y" : "ies", SomeNames(names))
                   : fmt::format(
                         "refusing to re-issue {} identit{} under {} that another CA issued, not "
                         "the CA in {} ({}); is --dir right? To replace them with certificates "
                         "of this CA, give --reissue-foreign",
                         names.size(), names.size() == 1 ? "y" : "ies", out, pki, SomeNames(names));
  return ApplyRefusal{creates_ca() ? "--new-ca" : "--reissue-foreign", std::move(names),
                      Error(ErrorCode::kRefused, std::move(message))};
}

bool ApplySession::Refused(const PlanItem& item) const {
  return refusal_ && std::find(refusal_->names.begin(), refusal_->names.end(), item.spec->name) !=
                         refusal_->names.end();
}

// A run killed between recording a certificate and deploying it leaves a
// pending record: whatever is on disk is the valid one. A pending record of
// an identity of the manifest whose files hold another certificate, or none,
// was never deployed (the key it certifies went with the staging directory):
// superseded. Pending records of other names (`issue --out`, `sign`, the
// service's own certificate) are not this run's to judge.
Status ApplySession::ReconcilePending() {
  if (!context_.ca || !HasInventory(settings_.pki_dir)) {
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
  Validity longest = Validity::Hours(0);
  for (const auto& spec : manifest_.identities) {
    longest = std::max(longest, spec.days);
  }
  const TimePoint ca_end = context_.ca->NotAfter();
  if (ca_end >= settings_.now + longest.hours()) {
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
  if (refusal_) {
    return tl::unexpected(refusal_->error);
  }
  std::unique_ptr<Inventory> inv;
  if (context_.ca && HasInventory(settings_.pki_dir)) {
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
  if (refusal_) {
    return tl::unexpected(refusal_->error);
  }
  const std::string& dir = settings_.pki_dir;
  std::optional<CertificateAuthority> ca;
  if (context_.ca) {
    CM_ASSIGN_OR_RETURN(auto loaded, CertificateAuthority::Load(dir, ca_password));
    // The manifest's `ca.url`, when given, is the CA's from now on: what
    // this run issues carries it.
    if (!manifest_.ca.url.empty() && loaded.settings().url != manifest_.ca.url) {
      CM_ASSIGN_OR_RETURN(auto settings, SetCaUrl(dir, manifest_.ca.url));
      loaded = loaded.WithSettings(std::move(settings));
    }
    ca.emplace(std::move(loaded));
  } else {
    const CaInitOptions init{manifest_.ca.subject, manifest_.ca.key_type, manifest_.ca.days,
                             settings_.now,        kCaKeyIterations,      manifest_.ca.url};
    CM_ASSIGN_OR_RETURN(auto created,
                        WithContext(CertificateAuthority::Init(dir, init, ca_password),
                                    fmt::format("creating CA in {}", dir)));
    ca.emplace(std::move(created));
    created_ca_ = ca->certificate();
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
  options.crl_pem = PublishedCrlPem(dir, options.trust, settings_.now);
  options.on_done = std::move(on_done);
  return ApplyPlan(Issuer(*ca, inventory.get()), plan_, options);
}

void ApplySession::RunHooks(const ApplySummary* summary, const HookReport& report) {
  std::set<std::string> failed;
  if (summary != nullptr) {
    for (const auto& [name, error] : summary->failures) {
      failed.insert(name);
    }
  }
  for (const auto& item : plan_) {
    const IdentitySpec& spec = *item.spec;
    ReloadHook hook = settings_.hook;
    if (!spec.exec.empty()) {
      hook = ReloadHook{spec.exec, std::chrono::seconds(spec.exec_timeout)};
    }
    const bool replaced = summary != nullptr && !Refused(item) && !failed.count(spec.name) &&
                          (item.action == PlanAction::kRenew || item.action == PlanAction::kTrust);
    if (hook.empty() || (!replaced && !ReloadHookPending(settings_.out_dir, spec.name))) {
      continue;
    }
    const HookEvent event = !replaced                           ? HookEvent::kRetry
                            : item.action == PlanAction::kRenew ? HookEvent::kRenewed
                                                                : HookEvent::kTrustUpdated;
    hooks_.push_back(RunReloadHook(hook, settings_.out_dir, spec.name, event));
    if (report) {
      report(hooks_.back());
    }
  }
}

namespace {

// What `apply --prune` would revoke: serial, issue date, names.
nlohmann::json UnlistedCertificateJson(const UnlistedIdentity& u) {
  if (!u.certificate) {
    return nullptr;
  }
  const SubjectAltNames sans = u.certificate->Sans();
  return {{"serial", u.certificate->SerialHex()},
          {"not_before", FormatUtc(u.certificate->NotBefore())},
          {"not_after", FormatUtc(u.certificate->NotAfter())},
          {"dns_names", sans.dns},
          {"ip_addresses", sans.ips}};
}

// "not_after" and "days_left" of a plan entry: null without a certificate.
void AddExpiry(std::optional<TimePoint> not_after, TimePoint now, nlohmann::json& entry) {
  entry["not_after"] = not_after ? nlohmann::json(FormatUtc(*not_after)) : nullptr;
  entry["days_left"] = not_after ? nlohmann::json(DaysLeft(*not_after, now)) : nullptr;
}

}  // namespace

nlohmann::json ApplySession::NewCaJson() const {
  if (!creates_ca()) {
    return nullptr;
  }
  nlohmann::json ca{{"dir", settings_.pki_dir},
                    {"subject", manifest_.ca.subject.ToString()},
                    {"key_type", manifest_.ca.key_type.ToString()},
                    {"created", created_ca_.has_value()},
                    {"sha256_fingerprint", nullptr}};
  if (created_ca_) {
    ca["sha256_fingerprint"] = created_ca_->Sha256Fingerprint();
  }
  return ca;
}

nlohmann::json ApplySession::ReportJson(bool prune, size_t removed,
                                        const ApplyOutcome* outcome) const {
  nlohmann::json plan = nlohmann::json::array();
  for (const auto& item : plan_) {
    nlohmann::json entry{{"name", item.spec->name},
                         {"action", Refused(item) ? "refused" : PlanActionName(item.action)},
                         {"reason", item.reason},
                         {"foreign", item.foreign},
                         {"certificate", nullptr}};
    AddExpiry(item.not_after, settings_.now, entry);
    plan.push_back(std::move(entry));
  }
  for (const auto& u : unlisted_) {
    nlohmann::json entry{{"name", PrintableBytes(u.name)},
                         {"action", prune ? "remove" : "unlisted"},
                         {"reason", UnlistedReason(u, prune)},
                         {"foreign", nullptr},  // not examined: apply leaves it
                         {"certificate", UnlistedCertificateJson(u)}};
    AddExpiry(u.certificate ? std::optional(u.certificate->NotAfter()) : std::nullopt,
              settings_.now, entry);
    plan.push_back(std::move(entry));
  }
  nlohmann::json refused = nullptr;
  if (refusal_) {
    refused = {{"flag", refusal_->flag},
               {"names", refusal_->names},
               {"error", refusal_->error.ToString()}};
  }
  const ApplySummary none;
  const ApplySummary& summary = outcome != nullptr ? outcome->summary : none;
  nlohmann::json out{{"dry_run", settings_.dry_run},
                     {"create_ca", creates_ca()},
                     {"new_ca", NewCaJson()},
                     {"refused", refused},
                     {"warnings", warnings_},
                     {"plan", plan},
                     {"summary",
                      {{"created", summary.created},
                       {"renewed", summary.renewed},
                       {"kept", outcome != nullptr ? summary.kept : Count(PlanAction::kKeep)},
                       {"removed", removed},
                       {"failed", summary.failures.size()},
                       // Nothing was done yet (--dry-run, or a refusal): null.
                       {"trust_updated", nullptr},
                       {"seconds", nullptr}}}};
  nlohmann::json failures = nlohmann::json::array();
  if (outcome != nullptr) {
    out["summary"]["trust_updated"] = summary.trust_updated;
    out["summary"]["seconds"] = outcome->seconds;
    for (const auto& [name, err] : summary.failures) {
      failures.push_back({{"name", name}, {"error", err.ToString()}});
    }
  }
  out["failures"] = failures;
  nlohmann::json hooks = nlohmann::json::array();
  for (const auto& h : hooks_) {
    hooks.push_back(HookOutcomeJson(h));
  }
  out["hooks"] = hooks;
  return out;
}

int DefaultApplyJobs() {
  return static_cast<int>(std::min(4 * std::max(1u, std::thread::hardware_concurrency()), 256u));
}

}  // namespace certmint
