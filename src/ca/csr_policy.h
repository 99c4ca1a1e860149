// What a certificate request must satisfy before certmint signs it, whoever
// asks: `certmint sign` on the CA's machine, or the CA service for an
// enrolling node. Nothing is copied from a request blindly: its signature
// must verify (RFC 2986 §4.2: proof of possession of the key), it must not ask
// to be a CA, its key must be one certmint certifies, and the names it asks
// for must lie within what the operator allows.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "core/error.h"
#include "x509/csr.h"
#include "x509/general_names.h"

namespace certmint {

// Why a request was refused; each caller maps it to its own answer (an
// error line for the CLI, an HTTP status and code for the CA service).
enum class CsrRefusalReason {
  kBadSignature,     // the signature does not verify with the key it carries
  kRequestsCa,       // basicConstraints CA:TRUE
  kUnacceptableKey,  // not a key CheckRequestKey accepts
  kNameMismatch,     // the subject's CN is not the expected name
  kNamesNotAllowed,  // SANs outside the allowed set
};

std::string_view CsrRefusalReasonName(CsrRefusalReason reason);

struct CsrPolicy {
  // The names the certificate may carry; the request may ask for a subset.
  SubjectAltNames allowed;
  // Who sets `allowed`, for the message: "the request asks for DNS:x, which
  // {allowed_by} do not allow".
  std::string allowed_by = "the allowed names";
  // When set, a request's CN, if it has one, must be this name.
  std::optional<std::string> common_name;
};

struct CsrRefusal {
  CsrRefusalReason reason;
  // A sentence about the request, without naming where it came from:
  // "the request asks for basicConstraints CA:TRUE; certmint signs node
  // certificates only".
  std::string message;
  // What was refused, for callers that word their own answer: the names
  // outside the allowed set ("DNS:a, IP:b"), the request's CN, or the key's
  // description; empty for the other reasons.
  std::string subject;

  // kInvalidData with `message`, for callers that report errors as values.
  Error ToError() const;
};

// The first rule `request` breaks, checked in the order above; nullopt when
// it may be signed.
std::optional<CsrRefusal> FindCsrRefusal(const CertificateRequest& request,
                                         const CsrPolicy& policy);

// FindCsrRefusal as a Status: kInvalidData with the refusal's message.
Status CheckCertificateRequest(const CertificateRequest& request, const CsrPolicy& policy);

}  // namespace certmint
