// The delegated OCSP responder certificate (RFC 6960 §4.2.2.2) that
// `certmint serve` signs its answers with, so that the CA key signs one
// certificate every few days instead of every answer. Issued through the
// one issuing path (ca/issuer.h) and recorded under
// kOcspResponderIdentityName; its key lives in the service's memory only,
// and the service renews it while it runs (as its own TLS certificate).
#pragma once

#include "ca/issuer.h"
#include "core/encoding.h"
#include "core/error.h"
#include "ocsp/responder.h"

namespace certmint {

// Its validity: short, since it carries id-pkix-ocsp-nocheck and so cannot
// be revoked in any way a client checks (§4.2.2.2.1); renewed at two thirds.
inline constexpr int kResponderCertificateDays = 2;

// A fresh EC P-256 key (fast to sign with; every answer is signed) and its
// certificate from `issuer`'s CA: extendedKeyUsage id-kp-OCSPSigning,
// id-pkix-ocsp-nocheck, subject "CN=certmint OCSP responder".
Result<ResponderKey> IssueResponderKey(const Issuer& issuer, TimePoint now);

}  // namespace certmint
