// A certificate revocation list read from a file (RFC 5280 §5).
#pragma once

#include <string_view>

#include "core/error.h"
#include "core/ossl.h"

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

}  // namespace certmint
