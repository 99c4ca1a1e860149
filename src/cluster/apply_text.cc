#include "cluster/apply_text.h"

#include <fmt/format.h>

#include "ca/authority.h"

namespace certmint {

std::string RenderPlanText(const ApplySession& session, const std::string& ca_dir, bool prune) {
  std::string out;
  for (const auto& w : session.warnings()) {
    out += "warning: " + w + "\n";
  }
  if (session.creates_ca()) {
    const auto& ca = session.manifest().ca;
    out += fmt::format(
        "NEW CA: {} holds no CA; apply creates one there ({}, {}). Only truststores that "
        "hold it will trust what it issues.\n",
        ca_dir, ca.subject.ToString(), ca.key_type.ToString());
    out += fmt::format("  create  CA in {} ({}, {})\n", ca_dir, ca.subject.ToString(),
                       ca.key_type.ToString());
  }
  for (const auto& item : session.plan()) {
    const bool refused = session.Refused(item);
    out += fmt::format("  {:<6}  {}  ({}{})\n", refused ? "refuse" : PlanActionName(item.action),
                       item.spec->name, item.reason,
                       refused ? "; not replaced without " + session.refusal()->flag : "");
  }
  const char* unlisted_action = prune ? "remove" : "unlisted";
  for (const auto& u : session.unlisted()) {
    out += fmt::format("  {:<6}  {}  ({})\n", unlisted_action, u.name, UnlistedReason(u, prune));
  }
  out +=
      fmt::format("Plan: {} to create, {} to renew, {} to keep", session.Count(PlanAction::kCreate),
                  session.Count(PlanAction::kRenew), session.Count(PlanAction::kKeep));
  const int trust = session.Count(PlanAction::kTrust);
  out += trust ? fmt::format(", {} truststores to update", trust) : "";
  const size_t unlisted = session.unlisted().size();
  out += unlisted == 0 ? ""
         : prune       ? fmt::format(", {} to remove", unlisted)
                       : fmt::format(", {} not in the manifest", unlisted);
  out += session.refusal() ? fmt::format("; REFUSED: {} identities not replaced without {}\n",
                                         session.refusal()->names.size(), session.refusal()->flag)
                           : "\n";
  return out;
}

std::string RenderCreatedCaText(const ApplySession& session, const std::string& ca_dir) {
  if (!session.created_ca()) {
    return "";
  }
  const Certificate& ca = *session.created_ca();
  return fmt::format("NEW CA created in {}: {}, SHA-256 {}\n", ca_dir, ca.Subject().ToString(),
                     ca.Sha256Fingerprint());
}

std::string RenderPruneText(const ApplySession& session, const std::string& out_dir) {
  const auto& unlisted = session.unlisted();
  if (unlisted.empty()) {
    return "";
  }
  std::string out =
      fmt::format("--prune revokes (cessationOfOperation) and removes {} identit{} under {}:\n",
                  unlisted.size(), unlisted.size() == 1 ? "y" : "ies", out_dir);
  for (const auto& u : unlisted) {
    if (!u.certificate) {
      out += fmt::format("  {}  (no readable certificate: only the directory is removed)\n",
                         PrintableBytes(u.name));
      continue;
    }
    const std::string sans = u.certificate->Sans().ToString();
    out += fmt::format("  {}  serial {}, issued {}, valid until {}, {}\n", PrintableBytes(u.name),
                       u.certificate->SerialHex(), FormatUtc(u.certificate->NotBefore()),
                       FormatUtc(u.certificate->NotAfter()), sans.empty() ? "no SANs" : sans);
  }
  return out;
}

std::string RenderApplySummaryText(const ApplySession& session, const ApplySettings& settings,
                                   const ApplySummary& summary, size_t removed, double secs) {
  std::string out =
      fmt::format("Done in {:.1f}s: {} created, {} renewed, {} kept, {} failed", secs,
                  summary.created, summary.renewed, summary.kept, summary.failures.size());
  out += removed > 0 ? fmt::format(", {} removed", removed) : "";
  out += summary.trust_updated ? fmt::format(", {} truststores updated\n", summary.trust_updated)
                               : "\n";
  if (RotationInProgress(settings.pki_dir)) {
    out += session.Count(PlanAction::kTrust) > 0 && session.Count(PlanAction::kRenew) == 0
               ? "CA rotation, step 2 done: deploy the new truststores to every node "
                 "(rolling restart), then run apply again (step 3).\n"
               : "CA rotation, step 3: when every node runs its new keystore, retire the old "
                 "CA (step 4): certmint ca retire --dir " +
                     settings.pki_dir + " --out " + settings.out_dir + "\n";
  }
  return out;
}

ApplyProgress::Output ApplyProgress::Done(const PlanItem& item, const Status& st,
                                          Clock::time_point now) {
  ++done_;
  if (!tty_) {
    const char* what = !st                                  ? "FAILED"
                       : item.action == PlanAction::kCreate ? "created"
                       : item.action == PlanAction::kTrust  ? "trust updated"
                                                            : "renewed";
    return {fmt::format("{} {}{}\n", what, item.spec->name, st ? "" : ": " + st.error().ToString()),
            ""};
  }
  Output output;
  if (!st) {
    output.err = fmt::format("\r\033[Kfailed {}: {}\n", item.spec->name, st.error().ToString());
  }
  const double secs = std::chrono::duration<double>(now - start_).count();
  const double rate = secs > 0 ? done_ / secs : 0;
  const double eta = rate > 0 ? (total_ - done_) / rate : 0;
  const int width = 30;
  const int filled = total_ ? static_cast<int>(width * done_ / total_) : width;
  output.err += fmt::format("\r\033[K[{}{}] {}/{} {:.1f}/s ETA {:.0f}s", std::string(filled, '#'),
                            std::string(width - filled, ' '), done_, total_, rate, eta);
  if (done_ == total_) {
    output.err += "\n";
  }
  return output;
}

}  // namespace certmint
