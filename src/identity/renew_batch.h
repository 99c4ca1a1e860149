// Renewing several identity directories with the local CA, one after the
// other, as `certmint renew NAME...` does.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "ca/authority.h"
#include "core/encoding.h"
#include "core/error.h"
#include "identity/renew.h"

namespace certmint {

// Called after each renewal with the name and the new certificate's
// notAfter (nullopt if the renewed directory could not be read back).
using RenewedCallback =
    std::function<void(const std::string& name, std::optional<TimePoint> valid_until)>;

// RenewWithLocalCa renews OUT/NAME for each of `names` in order
// (RenewIdentity), signed by `ca` and recorded in the inventory of
// `pki_dir`; every truststore carries TrustAnchors(pki_dir), whatever
// options.trust says. Stops at the first failure, with context
// "renewing NAME". With options.hook, runs it after each renewal and again
// for every other identity under `out_dir` whose hook is pending.
Status RenewWithLocalCa(const CertificateAuthority& ca, const std::string& pki_dir,
                        const std::string& out_dir, const std::vector<std::string>& names,
                        RenewOptions options, const RenewedCallback& renewed);

}  // namespace certmint
