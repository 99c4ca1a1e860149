#include "x509/crl.h"

#include <fmt/format.h>
#include <openssl/pem.h>
#include <openssl/x509v3.h>

#include <climits>

#include "x509/issue.h"

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

namespace {

Error Bad(std::string why) { return Error(ErrorCode::kInvalidData, std::move(why)); }

}  // namespace

// RFC 5280 §5.2.3: cRLNumber, a non-negative INTEGER up to 20 octets; one
// beyond a long long is refused rather than misread.
Result<long long> CrlNumber(const Crl& crl) {
  ossl::Asn1IntegerPtr number(static_cast<ASN1_INTEGER*>(
      X509_CRL_get_ext_d2i(crl.native(), NID_crl_number, nullptr, nullptr)));
  int64_t value = 0;
  if (!number || ASN1_INTEGER_get_int64(&value, number.get()) != 1 || value < 0) {
    ClearOpenSslErrors();
    return tl::unexpected(Bad("the CRL has no usable cRLNumber (RFC 5280 §5.2.3)"));
  }
  return static_cast<long long>(value);
}

bool CrlSignedBy(const Crl& crl, const Certificate& ca) {
  const bool ok =
      X509_NAME_cmp(X509_CRL_get_issuer(crl.native()), X509_get_subject_name(ca.native())) == 0 &&
      X509_CRL_verify(crl.native(), X509_get0_pubkey(ca.native())) == 1;
  ClearOpenSslErrors();
  return ok;
}

Result<CrlFacts> CheckCrl(const Crl& crl, const std::vector<Certificate>& anchors, TimePoint now) {
  const Certificate* ca = nullptr;
  for (const auto& a : anchors) {
    if (ca == nullptr && CrlSignedBy(crl, a)) {
      ca = &a;
    }
  }
  if (ca == nullptr) {
    return tl::unexpected(
        Bad("the CRL is not signed by a trusted CA (its issuer and signature match none of "
            "the CA certificates given): refusing it"));
  }
  CrlFacts out;
  CM_ASSIGN_OR_RETURN(out.number, CrlNumber(crl));
  out.issuer = ca->Subject().ToString();
  const ASN1_TIME* this_update = X509_CRL_get0_lastUpdate(crl.native());
  const ASN1_TIME* next_update = X509_CRL_get0_nextUpdate(crl.native());
  if (this_update == nullptr || next_update == nullptr) {
    return tl::unexpected(Bad("the CRL has no nextUpdate: certmint always sets one"));
  }
  out.next_update = Asn1TimeToTimePoint(next_update);
  if (Asn1TimeToTimePoint(this_update) > now + kBackdate) {
    return tl::unexpected(Bad(fmt::format("the CRL is dated in the future ({}): check the clock",
                                          FormatUtc(Asn1TimeToTimePoint(this_update)))));
  }
  if (out.next_update <= now) {
    return tl::unexpected(Bad(fmt::format(
        "the CRL expired at {} (its nextUpdate): the service should re-sign it; not written",
        FormatUtc(out.next_update))));
  }
  const STACK_OF(X509_REVOKED)* revoked = X509_CRL_get_REVOKED(crl.native());
  out.revoked = revoked == nullptr ? 0 : static_cast<size_t>(sk_X509_REVOKED_num(revoked));
  return out;
}

}  // namespace certmint
