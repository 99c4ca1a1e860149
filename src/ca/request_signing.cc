#include "ca/request_signing.h"

#include "ca/issuer.h"
#include "core/fs.h"
#include "inventory/inventory.h"

namespace certmint {

std::string CertificateReplyPem(const Certificate& cert, const CertificateAuthority& ca) {
  std::string chain = cert.ToPem();
  for (const auto& issuer : ca.Chain()) {
    chain += issuer.ToPem();
  }
  return chain;
}

Result<Certificate> SignRequestToFile(const CertificateAuthority& ca,
                                      const CertificateRequest& request, const std::string& name,
                                      const LeafProfile& profile, const std::string& out) {
  CM_ASSIGN_OR_RETURN(auto inventory, OpenInventory(ca.dir()));
  CertificateOrder order{name, request.PublicKey(), profile};
  return Issuer(ca, inventory.get()).Issue(order, [&](const Certificate& cert) {
    return fs::WriteFileAtomic(out, CertificateReplyPem(cert, ca), fs::kPublicFile);
  });
}

}  // namespace certmint
