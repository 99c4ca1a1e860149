#include "x509/crl.h"

#include <openssl/pem.h>

#include <climits>

namespace certmint {

Result<Crl> Crl::Parse(std::string_view data) {
  if (data.size() > INT_MAX) {
    return MakeError(ErrorCode::kInvalidData, "CRL too large");
  }
  ossl::X509CrlPtr crl;
  if (data.find("-----BEGIN X509 CRL-----") != std::string_view::npos) {
    auto bio = ossl::ReadOnlyMemBio(data.data(), data.size());
    crl.reset(PEM_read_bio_X509_CRL(bio.get(), nullptr, nullptr, nullptr));
  } else {
    const auto* p = reinterpret_cast<const unsigned char*>(data.data());
    crl.reset(d2i_X509_CRL(nullptr, &p, static_cast<long>(data.size())));  // NOLINT
  }
  if (!crl) {
    return OpenSslError(ErrorCode::kInvalidData, "not a CRL (PEM or DER)");
  }
  return Crl(std::move(crl));
}

Crl::Crl(const Crl& other) : crl_(other.crl_.get()) { X509_CRL_up_ref(crl_.get()); }

Crl& Crl::operator=(const Crl& other) {
  if (this != &other) {
    X509_CRL_up_ref(other.crl_.get());
    crl_.reset(other.crl_.get());
  }
  return *this;
}

}  // namespace certmint
