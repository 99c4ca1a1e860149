// The CA service's JSON messages (API version 1), shared by `certmint serve`
// and its clients (`certmint enroll`, `certmint renew --server`).
//
//   POST /v1/enroll  {"token": "cmt_...", "name": "broker-1", "csr": "<PEM>"}
//   POST /v1/renew   {"csr": "<PEM>"}                     (mTLS: the current certificate)
//     200 -> {"name", "serial", "not_after", "certificate": "<PEM>",
//             "chain": ["<PEM>", ...] (the CAs above it), "trust": ["<PEM>", ...]}
//   GET  /v1/ca      {"trust": [...], "chain": [...]}
//   GET  /v1/crl     DER CRL (application/pkix-crl); /v1/crl.pem in PEM
//   GET  /v1/health  {"status": "ok", ...}
//   errors           {"error": {"code": "token_used", "message": "..."}}
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "core/error.h"
#include "core/secret.h"
#include "x509/certificate.h"

namespace certmint {

inline constexpr std::string_view kApiPrefix = "/v1";

struct EnrollRequest {
  SecretString token;
  std::string name;
  std::string csr_pem;
  bool retry = false;  // as RenewRequest::retry
};

struct RenewRequest {
  std::string csr_pem;
  // The client sends the same request again, to another replica, after the
  // first attempt got no answer: if that attempt was recorded, the answer
  // is its certificate (optional field "retry": true).
  bool retry = false;
};

// What the service answers to an enrollment or a renewal.
struct IssuedChain {
  std::string name;
  Certificate certificate;
  std::vector<Certificate> chain;  // the CAs above the certificate, up to the root
  std::vector<Certificate> trust;  // the trust anchors (two during a CA rotation)
};

// kInvalidData naming the field, for malformed JSON, a missing field or a
// field of the wrong type; unknown fields are refused too.
Result<EnrollRequest> ParseEnrollRequest(std::string_view body);
Result<RenewRequest> ParseRenewRequest(std::string_view body);

// The request body; holds the token, so the caller must wipe it.
std::string EnrollRequestJson(const SecretString& token, const std::string& name,
                              const std::string& csr_pem, bool retry = false);
std::string RenewRequestJson(const std::string& csr_pem, bool retry = false);

std::string IssuedChainJson(const IssuedChain& issued);
Result<IssuedChain> ParseIssuedChain(std::string_view body);

// {"trust": [...], "chain": [...]}
std::string CaBundleJson(const std::vector<Certificate>& trust,
                         const std::vector<Certificate>& chain);
Result<std::vector<Certificate>> ParseCaBundleTrust(std::string_view body);

// Why the service refused a request (API version 1): each has a stable
// code, the "code" of the error body. The HTTP front alone picks the status.
enum class ProtocolError {
  kBadRequest,    // malformed JSON, a missing or unknown field
  kInvalidToken,  // malformed or unknown token
  kTokenUsed,
  kTokenExpired,
  kTokenRevoked,
  kNameNotAllowed,   // the token (or CSR CN) is for another name
  kNamesNotAllowed,  // the CSR asks for names the grant does not allow
  kBadCsr,           // not a PEM certificate request
  kBadCsrSignature,
  kCaNotAllowed,  // the CSR asks for basicConstraints CA:TRUE
  kWeakKey,
  kClientCertificateRequired,  // a renewal without the current certificate
  kCertificateRejected,        // it does not chain to a trust anchor
  kUnknownCertificate,         // not in this CA's inventory
  kCertificateRevoked,
  kCertificateSuperseded,  // no longer the current certificate of its name
  kSupersededMeanwhile,    // superseded or revoked while the renewal was signed
  kInventoryUnavailable,
  kCaUnavailable,  // the CA could not sign
};
std::string_view ProtocolErrorCode(ProtocolError error);

std::string ErrorJson(std::string_view code, std::string_view message);

// Whether a Content-Type names JSON (RFC 9110 §8.3.1: type and subtype
// case-insensitive, optional whitespace, parameters after ';'):
// "application/json", "APPLICATION/JSON; charset=utf-8"; not
// "application/jsonp" or "application/json-patch+json".
bool IsJsonMediaType(std::string_view content_type);
// "code: message" from an error body, or a short excerpt of the body.
std::string DescribeErrorBody(std::string_view body);

// At most `max` characters of untrusted text, non-printables as `?`.
std::string PrintableField(std::string_view text, size_t max = 40);

}  // namespace certmint
