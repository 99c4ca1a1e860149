// `certmint sign`: a node's certificate request signed by the CA and handed
// back as the reply keytool -importcert takes. The request is checked first
// (ca/csr_policy.h); this is what happens once it passed.
#pragma once

#include <string>

#include "ca/authority.h"
#include "core/error.h"
#include "x509/certificate.h"
#include "x509/csr.h"
#include "x509/issue.h"

namespace certmint {

// The certificate followed by its CAs up to the root (ca.Chain()), in PEM:
// the reply keytool -importcert takes.
std::string CertificateReplyPem(const Certificate& cert, const CertificateAuthority& ca);

// Certifies the request's key under `name` (ca/identity_name.h) with
// `profile`, recorded in the CA directory's inventory through the Issuer, and
// writes CertificateReplyPem to `out` (mode 0644) as the deployment. The
// request must have been checked already.
Result<Certificate> SignRequestToFile(const CertificateAuthority& ca,
                                      const CertificateRequest& request, const std::string& name,
                                      const LeafProfile& profile, const std::string& out);

}  // namespace certmint
