// Certificate profiles and signing.
//
// The profiles follow RFC 5280 and what JSSE checks in a handshake (see
// docs/certificate-profile.md):
//  - CA: basicConstraints critical CA:TRUE, keyUsage critical
//    keyCertSign+cRLSign, subjectKeyIdentifier, authorityKeyIdentifier.
//  - Node: basicConstraints critical CA:FALSE; keyUsage critical
//    digitalSignature (+keyEncipherment for RSA); extendedKeyUsage by role;
//    subjectAltName; SKI; AKI from the issuer.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/encoding.h"
#include "core/error.h"
#include "keys/private_key.h"
#include "x509/certificate.h"
#include "x509/general_names.h"
#include "x509/name.h"
#include "x509/role.h"
#include "x509/signer.h"
#include "x509/validity.h"

namespace certmint {

// notBefore is set this far before "now", so that nodes whose clocks run a
// little behind accept a certificate issued a moment ago. It is added to the
// validity, never taken from it: notAfter is "now" plus the validity, so a
// 24h certificate has notAfter - notBefore = 24h05m and is usable for the
// full 24 hours after it is issued.
inline constexpr std::chrono::minutes kBackdate{5};

// Serial numbers: 16 random bytes, positive, 128 bits minus one of entropy
// (RFC 5280 §4.1.2.2 allows up to 20 octets; CA/B Forum asks for 64+ bits).
inline constexpr size_t kSerialBytes = 16;

// Where relying parties ask for a certificate's status: the OCSP responder
// (RFC 5280 §4.2.2.1 authorityInfoAccess, accessMethod id-ad-ocsp) and the
// CRL (§4.2.1.13 cRLDistributionPoints, a fullName URI). Each empty: that
// extension left out. ca/issuer.h fills it from the CA's URL
// (ca/ca_settings.h); callers never set it themselves.
struct StatusLocations {
  std::string ocsp_url;
  std::string crl_url;
  bool empty() const { return ocsp_url.empty() && crl_url.empty(); }
};

struct CaProfile {
  DistinguishedName subject;
  Validity days = 3650;
  TimePoint now = std::chrono::system_clock::now();
  // basicConstraints pathLenConstraint; none for a root.
  std::optional<int> path_length;
  // Subordinate CAs only (a self-signed root is a trust anchor, never checked).
  StatusLocations status = {};
};

struct LeafProfile {
  DistinguishedName subject;
  SubjectAltNames sans;
  Role role = Role::kBoth;
  Validity days = 365;
  TimePoint now = std::chrono::system_clock::now();
  // Explicit serial (big-endian, positive) for reproducible tests; empty
  // means random.
  std::vector<uint8_t> serial;
  StatusLocations status;
  // A delegated OCSP responder (RFC 6960 §4.2.2.2): extendedKeyUsage
  // id-kp-OCSPSigning alone (`role` is ignored), id-pkix-ocsp-nocheck
  // (§4.2.2.2.1: clients do not check the responder's own status) and no
  // subjectAltName needed.
  bool ocsp_signing = false;
};

// Makes a self-signed CA certificate for the signer's key.
Result<Certificate> SelfSignCa(const Signer& signer, const CaProfile& profile);

// Signs a subordinate CA certificate for `subject_key` (profile.path_length
// usually 0: it may sign node certificates only). notAfter is cut to the
// issuer's.
Result<Certificate> SignSubordinateCa(const Certificate& issuer, const Signer& issuer_signer,
                                      const EVP_PKEY* subject_key, const CaProfile& profile);

// Signs a node certificate for `subject_key` with the CA. notAfter is cut to
// the CA's own notAfter; kInvalidArgument if the CA has expired. Callers
// issue through ca/issuer.h, which records what is signed.
Result<Certificate> SignLeaf(const Certificate& ca_cert, const Signer& ca_signer,
                             const EVP_PKEY* subject_key, const LeafProfile& profile);

}  // namespace certmint
