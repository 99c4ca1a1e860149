// Issuing a node certificate: the one path every issuer takes.
//
//   sign → record pending → deploy → activate
//
// The certificate is recorded in the inventory as pending before anything
// leaves the CA, so the inventory may list a certificate whose files never
// appeared, never the other way round; it becomes the name's valid
// certificate (superseding the others) only once `deploy` succeeded. `issue`,
// `sign` (CSR), `apply`, `renew` and the CA service's own certificate all go
// through Issuer::Issue; the CA service's enrollments and renewals, which
// record in one transaction with the token or the old certificate, sign
// through Issuer::Sign.
//
// Sign also decides what every certificate says about where its status is:
// the CA's status locations (CertificateAuthority::status_locations, from
// its URL), so that no path can leave them out or put in others.
#pragma once

#include <functional>
#include <string>

#include "ca/authority.h"
#include "core/error.h"
#include "inventory/inventory.h"
#include "x509/certificate.h"
#include "x509/issue.h"

namespace certmint {

// What to certify: a public key for a name.
struct CertificateOrder {
  // The inventory name (ca/identity_name.h); checked before signing.
  std::string name;
  // The key to certify; not owned.
  const EVP_PKEY* public_key = nullptr;
  LeafProfile profile;
  // Only `certmint serve` issues under kServiceIdentityName...
  bool service_identity = false;
  // ...and its delegated OCSP responder under kOcspResponderIdentityName
  // (LeafProfile::ocsp_signing; no status locations: id-pkix-ocsp-nocheck).
  bool ocsp_responder = false;
};

class Issuer {
 public:
  // Called with the signed certificate once it is recorded as pending:
  // writes the files, answers the request. An error leaves the certificate
  // pending, never valid.
  using Deploy = std::function<Status(const Certificate&)>;

  // `ca` and `inventory` must outlive the issuer. A null inventory records
  // nothing (previews and tests).
  Issuer(const CertificateAuthority& ca, Inventory* inventory) : ca_(ca), inventory_(inventory) {}

  const CertificateAuthority& ca() const { return ca_; }
  Inventory* inventory() const { return inventory_; }

  // Checks the order's name and signs; records nothing.
  Result<Certificate> Sign(const CertificateOrder& order) const;

  // Sign, record pending, deploy, activate. Returns the certificate.
  Result<Certificate> Issue(const CertificateOrder& order, const Deploy& deploy) const;

 private:
  const CertificateAuthority& ca_;
  Inventory* inventory_;
};

}  // namespace certmint
