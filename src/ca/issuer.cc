#include "ca/issuer.h"

#include <fmt/format.h>

#include "ca/identity_name.h"

namespace certmint {

Result<Certificate> Issuer::Sign(const CertificateOrder& order) const {
  if (order.service_identity && order.ocsp_responder) {
    return MakeError(ErrorCode::kInternal, "a service identity and an OCSP responder at once");
  }
  if (order.service_identity) {
    if (order.name != kServiceIdentityName) {
      return MakeError(ErrorCode::kInternal, "a service identity under another name");
    }
  } else if (order.ocsp_responder) {
    if (order.name != kOcspResponderIdentityName) {
      return MakeError(ErrorCode::kInternal, "an OCSP responder under another name");
    }
  } else {
    CM_RETURN_IF_ERROR(ValidateNodeName(order.name));
  }
  if (order.public_key == nullptr) {
    return MakeError(ErrorCode::kInternal, "no key to certify");
  }
  LeafProfile profile = order.profile;
  profile.ocsp_signing = order.ocsp_responder;
  // RFC 6960 §4.2.2.2.1: a responder with id-pkix-ocsp-nocheck is not
  // checked, so it says nothing about where its status is.
  profile.status = order.ocsp_responder ? StatusLocations{} : ca_.status_locations();
  return SignLeaf(ca_.certificate(), ca_.signer(), order.public_key, profile);
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
