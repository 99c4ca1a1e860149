#include "ca/rotation.h"

#include <fmt/format.h>

#include "ca/authority.h"
#include "ca/identity_name.h"
#include "core/fs.h"
#include "inventory/inventory.h"

namespace certmint {
namespace {

Status CheckDeployed(const std::string& dir, const std::vector<DeployedCertificate>& deployed) {
  CM_ASSIGN_OR_RETURN(auto ca, CertificateAuthority::LoadCertificate(dir));
  std::string stale;
  for (const auto& d : deployed) {
    if (!IssuedBy(d.certificate, ca)) {
      stale += (stale.empty() ? "" : ", ") + d.name;
    }
  }
  if (!stale.empty()) {
    return MakeError(ErrorCode::kNotReady,
                     fmt::format("still signed by the previous CA: {}. Run certmint apply (and "
                                 "deploy) first (apply --prune for identities the manifest no "
                                 "longer names), or --force",
                                 stale));
  }
  return {};
}

Status CheckInventory(const std::string& dir, TimePoint now) {
  CM_ASSIGN_OR_RETURN(auto previous, CertificateAuthority::LoadCertificate(PreviousCaDir(dir)));
  CM_ASSIGN_OR_RETURN(auto inventory, OpenInventory(dir));
  CM_ASSIGN_OR_RETURN(auto in_use, InUseCertificatesOf(*inventory, previous, now));
  if (in_use.empty()) {
    return {};
  }
  constexpr size_t kNamesShown = 10;
  std::string names;
  bool service = false;
  for (size_t i = 0; i < in_use.size(); ++i) {
    if (i < kNamesShown) {
      names += (i == 0 ? "" : ", ") + in_use[i].name;
    }
    service = service || in_use[i].name == kServiceIdentityName ||
              in_use[i].name == kOcspResponderIdentityName;
  }
  if (in_use.size() > kNamesShown) {
    names += fmt::format(" and {} more", in_use.size() - kNamesShown);
  }
  return MakeError(
      ErrorCode::kNotReady,
      fmt::format("the inventory still has current certificates of the previous CA: {}. "
                  "Renew them first (certmint apply, or certmint renew --server on enrolled "
                  "nodes{}), revoke those no longer used, or --force",
                  names,
                  service ? "; reload certmint serve (SIGHUP) or restart it, for its own "
                            "certificate"
                          : ""));
}

}  // namespace

Result<DistinguishedName> RotatedCaSubject(const DistinguishedName& previous, TimePoint now) {
  const std::string cn = previous.CommonNameValue();
  std::string dn = previous.ToString();
  const std::string suffix = " " + FormatUtc(now).substr(0, 10);
  if (!cn.empty() && dn.rfind("CN=", 0) == 0) {
    // The end of the leading RDN: the first ',' not escaped.
    size_t end = 3;
    while (end < dn.size() && !(dn[end] == ',' && dn[end - 1] != '\\')) {
      ++end;
    }
    dn.insert(end, suffix);
  } else {
    dn = "CN=certmint CA" + suffix + (dn.empty() ? "" : "," + dn);
  }
  return WithContext(DistinguishedName::Parse(dn), "derived subject");
}

Status CheckRetirement(const std::string& dir, const RetirementChecks& checks, TimePoint now) {
  if (!RotationInProgress(dir)) {
    return MakeError(ErrorCode::kNotFound, fmt::format("no rotation in progress in {}", dir));
  }
  if (checks.deployed) {
    CM_RETURN_IF_ERROR(CheckDeployed(dir, *checks.deployed));
  }
  if (checks.inventory && HasInventory(dir)) {
    CM_RETURN_IF_ERROR(CheckInventory(dir, now));
  }
  return {};
}

}  // namespace certmint
