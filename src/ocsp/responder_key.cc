#include "ocsp/responder_key.h"

#include "ca/identity_name.h"
#include "keys/private_key.h"

namespace certmint {

Result<ResponderKey> IssueResponderKey(const Issuer& issuer, TimePoint now) {
  CM_ASSIGN_OR_RETURN(auto spec, ParseKeySpec("ec:p256"));
  CM_ASSIGN_OR_RETURN(auto key, PrivateKey::Generate(spec));
  CertificateOrder order;
  order.name = std::string(kOcspResponderIdentityName);
  order.public_key = key.native();
  order.ocsp_responder = true;
  CM_ASSIGN_OR_RETURN(order.profile.subject,
                      DistinguishedName::Parse("CN=certmint OCSP responder"));
  order.profile.days = kResponderCertificateDays;
  order.profile.now = now;
  CM_ASSIGN_OR_RETURN(auto cert, WithContext(issuer.Issue(order, nullptr),
                                             "issuing the OCSP responder certificate"));
  return ResponderKey{issuer.ca().certificate(), std::move(cert), std::move(key)};
}

}  // namespace certmint
