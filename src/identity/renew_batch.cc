#include "identity/renew_batch.h"

#include <algorithm>

#include "ca/issuer.h"
#include "identity/state.h"
#include "inventory/inventory.h"

namespace certmint {

Status RenewWithLocalCa(const CertificateAuthority& ca, const std::string& pki_dir,
                        const std::string& out_dir, const std::vector<std::string>& names,
                        RenewOptions options, const RenewedCallback& renewed) {
  CM_ASSIGN_OR_RETURN(auto inventory, OpenInventory(pki_dir));
  const Issuer issuer(ca, inventory.get());
  CM_ASSIGN_OR_RETURN(options.trust, TrustAnchors(pki_dir));
  for (const auto& name : names) {
    CM_RETURN_IF_ERROR(
        WithContext(RenewIdentity(issuer, out_dir, name, options), "renewing " + name));
    auto state = ReadIdentityState(out_dir, name);
    renewed(name, state && *state ? std::optional<TimePoint>((*state)->certificate.NotAfter())
                                  : std::nullopt);
  }
  std::vector<std::string> others;
  for (const auto& name : ListIdentities(out_dir)) {
    if (std::find(names.begin(), names.end(), name) == names.end()) {
      others.push_back(name);
    }
  }
  RetryPendingHooks(options.hook, out_dir, others, options.on_hook);
  return {};
}

}  // namespace certmint
