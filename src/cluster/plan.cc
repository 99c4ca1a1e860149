#include "cluster/plan.h"

#include <fmt/format.h>

#include <algorithm>
#include <set>
#include <string_view>
#include <unordered_set>
#include <vector>

#include "identity/files.h"
#include "identity/selection.h"
#include "identity/state.h"

namespace certmint {
namespace {

// Each name of `a` that `b` lacks, after `prefix` (linear: an
// identity may have many names).
void AppendMissing(const std::vector<std::string>& a, const std::vector<std::string>& b,
                   std::string_view prefix, std::vector<std::string>& parts) {
  const std::unordered_set<std::string_view> in_b(b.begin(), b.end());
  for (const auto& x : a) {
    if (in_b.count(x) == 0) {
      parts.push_back(std::string(prefix) + x);
    }
  }
}

std::string SanDiff(const SubjectAltNames& have, const SubjectAltNames& want) {
  std::vector<std::string> parts;
  AppendMissing(want.dns, have.dns, "+DNS:", parts);
  AppendMissing(have.dns, want.dns, "-DNS:", parts);
  AppendMissing(want.ips, have.ips, "+IP:", parts);
  AppendMissing(have.ips, want.ips, "-IP:", parts);
  std::string out;
  for (const auto& p : parts) {
    out += (out.empty() ? "" : " ") + p;
  }
  return out;
}

template <typename T>
bool SameSet(std::vector<T> a, std::vector<T> b) {
  std::sort(a.begin(), a.end());
  std::sort(b.begin(), b.end());
  return a == b;
}

// Why an identity must be re-issued because of who issued it or what is
// missing; nullopt when neither. `foreign`: issued by neither the current
// CA nor the previous one (docs/ca-rotation.md).
std::optional<std::string> IssuerChange(const IdentityState& state, const PlanContext& ctx,
                                        bool* foreign) {
  if (!ctx.ca || !IssuedBy(state.certificate, *ctx.ca)) {
    if (ctx.previous_ca && IssuedBy(state.certificate, *ctx.previous_ca)) {
      return "issued by the previous CA (rotation)";
    }
    *foreign = true;
    return fmt::format("issued by another CA: {}", state.certificate.Issuer().ToString());
  }
  if (!state.complete) {
    return "incomplete: files missing";
  }
  return std::nullopt;
}

// Why an identity must be re-issued because the inventory records its
// certificate as revoked (certmint revoke, or a prune): its key may be in
// other hands, so the re-issue makes a new one, as every apply re-issue does.
std::optional<std::string> Revocation(const IdentityState& state, const PlanContext& ctx) {
  const std::string sha256 = state.certificate.Sha256Fingerprint();
  for (const auto& r : ctx.revoked) {
    if (r.sha256 == sha256) {
      return fmt::format("revoked on {} ({}): re-issue with a new key", r.revoked_at,
                         RevocationReasonName(r.revocation_reason));
    }
  }
  return std::nullopt;
}

// Whether two server.properties settings give the node the same listener.
// What the cluster's servers share (super.users, the controllers) is not
// compared: adding a node must not re-issue every other one (their
// server.properties keep the list as it was when they were written:
// docs/kafka.md).
bool SameListener(const KafkaServerSettings& a, const KafkaServerSettings& b) {
  return a.ListenerName() == b.ListenerName() && a.Port() == b.Port() &&
         a.controller == b.controller && a.host == b.host;
}

std::string ListenerText(const KafkaServerSettings& s) {
  return fmt::format("{}:{}{}", s.ListenerName(), s.Port(), s.controller ? " (controller)" : "");
}

// Why an identity must be re-issued because the manifest asks for other
// settings; nullopt when they are the same.
std::optional<std::string> SettingsChange(const IdentitySpec& spec, const IdentityState& state) {
  const SubjectAltNames want = EffectiveSans(spec.name, spec.sans);
  if (!SameSet(want.dns, state.sans.dns) || !SameSet(want.ips, state.sans.ips)) {
    return "SANs changed: " + SanDiff(state.sans, want);
  }
  if (state.role != spec.role) {
    return fmt::format("role changed: {} -> {}", RoleName(state.role), RoleName(spec.role));
  }
  if (!(state.key_type == spec.key_type)) {
    return fmt::format("key type changed: {} -> {}", state.key_type.ToString(),
                       spec.key_type.ToString());
  }
  // The same formats listed in another order write the same files.
  if (!SameSet(state.formats, spec.formats) || state.kubernetes != spec.kubernetes) {
    return "formats changed";
  }
  if (spec.kubernetes && (state.kubernetes_namespace != spec.kubernetes_namespace ||
                          state.strimzi_cluster != spec.strimzi_cluster)) {
    return "kubernetes settings changed";
  }
  // server.properties' listener (an identity written before certmint wrote
  // server.properties keeps its files until it is re-issued for another
  // reason).
  if (HasServerAuth(spec.role) && state.kafka && !SameListener(*state.kafka, spec.kafka)) {
    return fmt::format("Kafka listener changed: {} -> {}", ListenerText(*state.kafka),
                       ListenerText(spec.kafka));
  }
  if (state.install_dir != spec.install_dir) {
    return "install_dir changed";
  }
  if (state.pkcs12.profile != spec.pkcs12.profile) {
    return fmt::format("p12_profile changed: {} -> {}", Pkcs12ProfileName(state.pkcs12.profile),
                       Pkcs12ProfileName(spec.pkcs12.profile));
  }
  if (state.pkcs12.passwordless != spec.pkcs12.passwordless) {
    return fmt::format("passwordless_truststore changed: {} -> {}", state.pkcs12.passwordless,
                       spec.pkcs12.passwordless);
  }
  return std::nullopt;
}

// Why an identity must be re-issued because its subject or alias changed;
// nullopt when neither did.
std::optional<std::string> NameChange(const IdentitySpec& spec, const IdentityState& state) {
  const std::string subject = state.certificate.Subject().ToString();
  std::string want_subject = subject;  // a name no CN can hold: nothing to compare
  if (spec.subject) {
    want_subject = spec.subject->ToString();
  } else if (auto cn = DistinguishedName::CommonName(spec.name)) {
    want_subject = cn->ToString();
  }
  if (subject != want_subject) {
    return fmt::format("subject changed: {} -> {}", subject, want_subject);
  }
  const std::string alias = KeyAliasFor(spec.name, state.alias);
  const std::string want_alias = KeyAliasFor(spec.name, spec.alias);
  if (alias != want_alias) {
    return fmt::format("alias changed: {} -> {}", alias, want_alias);
  }
  return std::nullopt;
}

PlanItem Decide(const IdentitySpec& spec, const std::optional<IdentityState>& state,
                const PlanContext& ctx, int window_days) {
  const std::optional<Certificate>& ca = ctx.ca;
  const TimePoint now = ctx.now;
  PlanItem item{&spec, PlanAction::kKeep, "", std::nullopt, false, std::nullopt};
  if (!state) {
    item.action = PlanAction::kCreate;
    item.reason = "missing";
    return item;
  }
  item.password_file = state->password_file;
  item.not_after = state->certificate.NotAfter();
  auto renew = [&](std::string why) {
    item.action = PlanAction::kRenew;
    item.reason = std::move(why);
    return item;
  };
  if (auto why = IssuerChange(*state, ctx, &item.foreign)) {
    return renew(*why);
  }
  if (auto why = Revocation(*state, ctx)) {
    return renew(*why);
  }
  if (auto why = SettingsChange(spec, *state)) {
    return renew(*why);
  }
  if (auto why = NameChange(spec, *state)) {
    return renew(*why);
  }
  const TimePoint not_after = state->certificate.NotAfter();
  const std::string left = TimeLeftText(not_after, now);
  if (not_after <= now) {
    return renew(fmt::format("expired on {}", FormatUtc(not_after)));
  }
  // A certificate cannot outlive its CA: one that already ends with the CA
  // is kept inside the window, since re-issuing it would gain nothing (and
  // every apply would re-issue it again). Only a CA rotation helps then.
  // RenewalWindowStart: a short-lived certificate's window is the last third
  // of its lifetime, whatever renewal_window_days says.
  const auto window = std::chrono::hours(24) * window_days;
  const bool in_window = RenewalWindowStart(state->certificate, window) < now;
  const bool can_extend = !ca || std::min(now + spec.days.hours(), ca->NotAfter()) > not_after;
  if (in_window && can_extend) {
    const bool short_lived = (not_after - state->certificate.NotBefore()) / 3 < window;
    return renew(short_lived
                     ? fmt::format("{}, inside the last third of its lifetime", left)
                     : fmt::format("{}, inside the {}-day renewal window", left, window_days));
  }
  std::vector<std::string> want_trust;
  for (const auto& c : ctx.trust) {
    want_trust.push_back(c.Sha256Fingerprint());
  }
  if (!SameSet(want_trust, state->trusted)) {
    item.action = PlanAction::kTrust;
    item.reason = fmt::format("truststores: trust {} CA{} instead of {}", want_trust.size(),
                              want_trust.size() == 1 ? "" : "s", state->trusted.size());
    return item;
  }
  item.reason = fmt::format("valid until {}, {}{}", FormatUtc(not_after), left,
                            in_window ? "; it ends with the CA, which only a CA rotation can "
                                        "extend"
                                      : "");
  return item;
}

}  // namespace

std::string_view PlanActionName(PlanAction action) {
  switch (action) {
    case PlanAction::kCreate:
      return "create";
    case PlanAction::kRenew:
      return "renew";
    case PlanAction::kKeep:
      return "keep";
    case PlanAction::kTrust:
      return "trust";
  }
  return "?";
}

Result<std::vector<PlanItem>> MakePlan(const Manifest& manifest, const std::string& out_dir,
                                       const PlanContext& ctx) {
  std::vector<PlanItem> plan;
  plan.reserve(manifest.identities.size());
  // Phase one of a rotation: some existing truststore lacks the current CA.
  bool trust_first = false;
  const std::string current_root = ctx.trust.empty() ? "" : ctx.trust[0].Sha256Fingerprint();
  std::vector<bool> lacks_current;
  for (const auto& spec : manifest.identities) {
    auto state = ReadIdentityState(out_dir, spec.name);
    if (!state) {
      // An unreadable identity is re-issued, not fatal: that is the fix.
      PlanItem item{
          &spec, PlanAction::kRenew, "unreadable: " + state.error().ToString(), std::nullopt,
          false, std::nullopt};
      plan.push_back(std::move(item));
      lacks_current.push_back(false);
      continue;
    }
    plan.push_back(Decide(spec, *state, ctx, manifest.ca.renewal_window_days));
    const bool lacks = *state && ctx.previous_ca && !current_root.empty() &&
                       std::find((*state)->trusted.begin(), (*state)->trusted.end(),
                                 current_root) == (*state)->trusted.end();
    lacks_current.push_back(lacks);
    trust_first |= lacks;
  }
  if (trust_first) {
    // Certificates from the new CA would be refused by nodes that do not
    // trust it yet: rewrite truststores only, re-issue nothing existing.
    for (size_t i = 0; i < plan.size(); ++i) {
      PlanItem& item = plan[i];
      if (item.action != PlanAction::kRenew) {
        continue;
      }
      if (lacks_current[i]) {
        item.action = PlanAction::kTrust;
        item.reason = "CA rotation, step 2: trust the new CA (re-issue waits for step 3)";
      } else {
        item.action = PlanAction::kKeep;
        item.reason = "CA rotation: re-issue waits until every truststore trusts the new CA";
      }
    }
  }
  return plan;
}

std::vector<UnlistedIdentity> FindUnlisted(const Manifest& manifest, const std::string& out_dir) {
  std::set<std::string> listed;
  for (const auto& spec : manifest.identities) {
    listed.insert(spec.name);
  }
  std::vector<UnlistedIdentity> out;
  for (const auto& name : ListIdentities(out_dir)) {
    if (listed.count(name) != 0) {
      continue;
    }
    UnlistedIdentity u{name, std::nullopt};
    if (auto state = ReadIdentityState(out_dir, name); state && *state) {
      u.certificate = (*state)->certificate;
    }
    out.push_back(std::move(u));
  }
  return out;
}

std::string UnlistedReason(const UnlistedIdentity& u, bool prune) {
  const std::string cert =
      u.certificate ? fmt::format("serial {}, valid until {}", u.certificate->SerialHex(),
                                  FormatUtc(u.certificate->NotAfter()))
                    : "unreadable";
  return prune ? fmt::format("not in the manifest ({}): revoke, remove the directory", cert)
               : fmt::format("not in the manifest ({}); --prune revokes and removes it", cert);
}

}  // namespace certmint
