// What `certmint apply` will do for each identity of a manifest, and why.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "cluster/manifest.h"
#include "core/encoding.h"
#include "core/error.h"
#include "inventory/inventory.h"
#include "x509/certificate.h"

namespace certmint {

// kTrust rewrites an identity's truststores (same key, same certificate) to
// carry the current trust anchors: the first phase of a CA rotation, and the
// last (dropping the retired CA).
enum class PlanAction { kCreate, kRenew, kKeep, kTrust };
std::string_view PlanActionName(PlanAction action);

struct PlanItem {
  const IdentitySpec* spec = nullptr;
  PlanAction action = PlanAction::kCreate;
  std::string reason;
  // The password file to keep using when renewing (generated passwords stay
  // the same across renewals, so node configurations need no change).
  std::optional<std::string> password_file = std::nullopt;
  // Its certificate was issued neither by the current CA nor, during a
  // rotation, by the previous one: whatever the action, it is another CA's
  // identity, which apply replaces only when told (--reissue-foreign).
  bool foreign = false;
  // When OUT holds a certificate for it: its notAfter (--json shows it and
  // the days left).
  std::optional<TimePoint> not_after = std::nullopt;
};

struct PlanContext {
  // The current CA certificate; nullopt when the CA does not exist yet (then
  // everything is created).
  std::optional<Certificate> ca;
  // During a rotation: the previous CA certificate.
  std::optional<Certificate> previous_ca;
  // What every truststore must carry (current root, then previous root).
  std::vector<Certificate> trust;
  // The certificates the CA's inventory records as revoked: an identity
  // whose certificate is one of them is re-issued (with a new key).
  std::vector<InventoryRecord> revoked;
  TimePoint now = std::chrono::system_clock::now();
};

// Compares every identity of `manifest` with what OUT holds.
//
// CA rotation in a safe order: while any existing identity's truststore
// lacks the current CA, only truststores are rewritten (kTrust) and every
// re-issue waits; once all trust it, identities of the previous CA are
// re-issued by the current one.
Result<std::vector<PlanItem>> MakePlan(const Manifest& manifest, const std::string& out_dir,
                                       const PlanContext& context);

// An identity directory under OUT that the manifest does not name: a node
// taken out of the cluster (whose certificate still works until it expires),
// or a name mistyped in the manifest.
struct UnlistedIdentity {
  std::string name;
  std::optional<Certificate> certificate;  // none when it cannot be read
};
std::vector<UnlistedIdentity> FindUnlisted(const Manifest& manifest, const std::string& out_dir);
// Why `apply` lists it, and what --prune does to it.
std::string UnlistedReason(const UnlistedIdentity& u, bool prune);

}  // namespace certmint
