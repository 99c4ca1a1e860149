// OCSP requests (RFC 6960 §4.1), read once at the edge into a checked value:
// the certificates asked about and the nonce to echo. Nothing past this file
// touches the request's bytes.
#pragma once

#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.h"
#include "core/ossl.h"

namespace certmint {

// Certificates one request may ask about; more is a malformed request (a
// client asks about one, OpenSSL's about a few).
inline constexpr size_t kMaxOcspCertIds = 32;
// RFC 8954 §2.1: a nonce of 1 to 32 octets; a longer one is refused.
inline constexpr size_t kMaxOcspNonceBytes = 32;
// Largest request read (the HTTP front's body limit is larger).
inline constexpr size_t kMaxOcspRequestBytes = 8 * 1024;

// One Request's reqCert (§4.1.1 CertID).
struct OcspCertId {
  // The CertID as received, for the SingleResponse that answers it
  // (§4.2.1: the response repeats it).
  std::shared_ptr<OCSP_CERTID> id;
  // The certificate's serial as the inventory writes it ("01:AB");
  // empty for a negative or zero serial, which no certmint CA issues.
  std::string serial;
};

struct OcspRequest {
  std::vector<OcspCertId> ids;  // 1 to kMaxOcspCertIds
  // §4.4.1: the nonce extension's extnValue, to echo; nullopt: none sent.
  std::optional<std::string> nonce;
};

// Parses a DER OCSPRequest: exactly one, nothing after it, at most
// kMaxOcspRequestBytes, 1 to kMaxOcspCertIds certificates, a nonce of at
// most kMaxOcspNonceBytes, no critical extension other than the nonce. The
// optional signature is not checked (the answers are public). kInvalidData
// for anything else: the answer is malformedRequest.
Result<OcspRequest> ParseOcspRequest(std::string_view der);

// The request of a GET (RFC 6960 Appendix A.1: "{url}/{url-encoding of
// base-64 encoding of the DER encoding of the OCSPRequest}"): `encoded` is
// what follows the responder's path and its "/". Percent-escapes are
// decoded, then base64 (padding optional, '/' and '+' either escaped or not).
// kInvalidData when it is not base64 of at most kMaxOcspRequestBytes.
Result<std::string> DecodeOcspGetRequest(std::string_view encoded);

}  // namespace certmint
