#include "ca/issuer.h"

#include <fmt/format.h>

#include "ca/identity_name.h"

namespace certmint {

Result<Certificate> Issuer::Sign(const CertificateOrder& order) const {
  if (order.service_identity) {
    if (order.name != kServiceIdentityName) {
      return MakeError(ErrorCode::kInternal, "a service identity under another name");
    }
  } else {
    CM_RETURN_IF_ERROR(ValidateNodeName(order.name));
  }
  if (order.public_key == nullptr) {
    return MakeError(ErrorCode::kInternal, "no key to certify");
  }
  return SignLeaf(ca_.certificate(), ca_.signer(), order.public_key, order.profile);
}

Result<Certificate> Issuer::Issue(const CertificateOrder& order, const Deploy& deploy) const {
  CM_ASSIGN_OR_RETURN(auto cert, Sign(order));
  if (inventory_ != nullptr) {
    CM_RETURN_IF_ERROR(
        inventory_->RecordIssued(order.name, cert, ca_.certificate(), order.profile.now));
  }
  if (deploy) {
    CM_RETURN_IF_ERROR(deploy(cert));
  }
  if (inventory_ != nullptr) {
    CM_RETURN_IF_ERROR(inventory_->Activate(order.name, cert.SerialHex()));
  }
  return cert;
}

}  // namespace certmint
