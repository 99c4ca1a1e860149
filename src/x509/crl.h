// A certificate revocation list read from a file (RFC 5280 §5).
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "core/encoding.h"
#include "core/error.h"
#include "core/ossl.h"
#include "x509/certificate.h"

namespace certmint {

// A CRL read from PEM or DER.
class Crl {
 public:
  static Result<Crl> Parse(std::string_view data);
  Crl(const Crl& other);
  Crl& operator=(const Crl& other);
  Crl(Crl&&) noexcept = default;
  Crl& operator=(Crl&&) noexcept = default;
  X509_CRL* native() const { return crl_.get(); }

 private:
  explicit Crl(ossl::X509CrlPtr crl) : crl_(std::move(crl)) {}
  ossl::X509CrlPtr crl_;
};

// A CRL's cRLNumber (RFC 5280 §5.2.3); kInvalidData when it has none or one
// beyond a long long.
Result<long long> CrlNumber(const Crl& crl);

// Whether `ca` signed `crl`: its issuer name and signature.
bool CrlSignedBy(const Crl& crl, const Certificate& ca);

// What a checked CRL says.
struct CrlFacts {
  long long number = 0;   // cRLNumber
  size_t revoked = 0;     // entries
  TimePoint next_update;  // when it stops being valid
  std::string issuer;     // the signing CA's subject
};

// CheckCrl: kInvalidData unless `crl` is signed by one of `anchors`
// (CrlSignedBy), carries a cRLNumber and is current at `now` (thisUpdate at
// most kBackdate ahead, nextUpdate still to come).
Result<CrlFacts> CheckCrl(const Crl& crl, const std::vector<Certificate>& anchors, TimePoint now);

}  // namespace certmint
