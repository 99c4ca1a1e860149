// The OCSP responder of `certmint serve` (RFC 6960): answers for the
// certificates of one CA from the inventory, per request, so that a
// revocation (by this process or by `certmint revoke` in another) shows in
// the next answer. Answers are signed by a delegated responder certificate
// (§4.2.2.2; ocsp/responder_key.h), never by the CA key. HTTP is not known
// here: server/status_routes.cc carries the bytes.
#pragma once

#include <chrono>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>

#include "core/encoding.h"
#include "core/error.h"
#include "inventory/inventory.h"
#include "keys/private_key.h"
#include "ocsp/request.h"
#include "x509/certificate.h"
#include "x509/signer.h"

namespace certmint {

// How long an answer may be relied on: nextUpdate - thisUpdate (§4.2.2.1).
// Short, because clients that cache (a JSSE server stapling its status)
// learn of a revocation only when it runs out.
inline constexpr std::chrono::minutes kOcspAnswerLifetime{5};

// What the responder signs for: a CA and the delegated responder
// certificate it issued, with that certificate's key.
struct ResponderKey {
  Certificate ca;
  Certificate certificate;
  // The certificate's key, in memory only; answers are signed through a
  // Signer made of it (x509/signer.h).
  PrivateKey key;
};

// What a response says of one certificate (§2.2).
enum class OcspCertStatus { kGood, kRevoked, kUnknown };

// The outcome of one request, for the access log.
struct OcspAnswer {
  std::string der;      // the OCSPResponse
  std::string summary;  // "good", "revoked", "unknown", "malformedRequest", ...
};

class OcspResponder {
 public:
  // `inventory` must outlive the responder.
  explicit OcspResponder(Inventory* inventory);
  ~OcspResponder();

  // From any thread: later answers are signed with `key` (the service's CA
  // changed, or its responder certificate was renewed). kInvalidArgument
  // when the certificate was not issued by the CA or is not for the signer.
  Status SetKey(ResponderKey key);

  // The DER OCSPResponse for a DER OCSPRequest: successful, or
  // malformedRequest (ParseOcspRequest refused it), unauthorized (a
  // certificate asked about is another CA's), internalError (the inventory
  // cannot be read), tryLater (no key yet). Never fails.
  OcspAnswer Answer(std::string_view der_request, TimePoint now) const;
  // The same, for a request already parsed.
  OcspAnswer Answer(const OcspRequest& request, TimePoint now) const;

  // The DER of an OCSPResponse without a body (§4.2.1 OCSPResponseStatus).
  static std::string StatusOnly(int response_status);

  struct State;

 private:
  Inventory* inventory_;
  mutable std::mutex mu_;
  std::shared_ptr<const State> state_;
};

}  // namespace certmint
