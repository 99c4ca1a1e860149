// What `certmint apply` will do for each identity of a manifest, and why.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "cluster/manifest.h"
#include "core/encoding.h"
#include "core/error.h"
#include "x509/certificate.h"

namespace certmint {

enum class PlanAction { kCreate, kRenew, kKeep };
std::string_view PlanActionName(PlanAction action);

struct PlanItem {
  const IdentitySpec* spec = nullptr;
  PlanAction action = PlanAction::kCreate;
  std::string reason;
  // The password file to keep using when renewing (generated passwords stay
  // the same across renewals, so node configurations need no change).
  std::optional<std::string> password_file;
};

// Compares every identity of `manifest` with what OUT holds. `ca` is the
// current CA certificate, or nullopt when the CA does not exist yet (then
// everything is created).
Result<std::vector<PlanItem>> MakePlan(const Manifest& manifest, const std::string& out_dir,
                                       const std::optional<Certificate>& ca, TimePoint now);

}  // namespace certmint
