// The CA service's logic, apart from HTTP: what `certmint serve` answers to
// each request, as protocol results (an issued chain, or a ServiceError with
// its protocol code); server/http_server.cc alone maps them to HTTP. Every refusal happens before
// anything is signed or written; the inventory changes only in the one transaction that redeems a
// token or records a renewal.
#pragma once

#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "ca/authority.h"
#include "ca/crl.h"
#include "ca/identity_name.h"
#include "core/encoding.h"
#include "core/error.h"
#include "core/secret.h"
#include "enroll/protocol.h"
#include "inventory/inventory.h"
#include "x509/certificate.h"

namespace certmint {

// A refusal, in the protocol's terms: the HTTP front maps `error` to a
// status and sends {"error": {"code", "message"}}. `name` is the identity
// concerned when known, for the access log; never secrets.
struct ServiceError {
  ProtocolError error;
  std::string message;
  std::string name;
};
template <typename T>
using ServiceResult = tl::expected<T, ServiceError>;

// The refusal for a token that cannot be redeemed (TokenState's answer).
ServiceError TokenRefusal(RedeemOutcome outcome, const TokenRecord& token);

// What /v1/health reports.
struct HealthReport {
  bool ca_valid = false;  // the issuing CA has not expired
  Certificate ca;
  // Whether the inventory's database answers (always, for SQLite); why not.
  bool inventory_reachable = true;
  std::string inventory_error;
};

// What the TLS layer knows about the client of a renewal.
struct PeerCertificate {
  std::optional<Certificate> certificate;  // none: the client sent none
  long verify_result = 0;                  // X509_V_OK when it chains to a trust anchor
};

// What the service signs with and hands out, read from the CA directory at
// start-up and again on a reload (SIGHUP after `ca rotate` or `ca retire`).
struct ServiceCa {
  CertificateAuthority authority;
  // The anchors handed to nodes (TrustAnchors of the directory); empty:
  // the root of the CA's chain.
  std::vector<Certificate> trust;
  // During a rotation: the new CA certified by the previous one, which the
  // service sends above its own certificate so that nodes still trusting
  // only the previous CA can reach it to renew (and learn the new one).
  std::optional<Certificate> cross;
};

// Whether two loads of the directory hold the same CA, anchors and
// cross-certificate.
bool SameServiceCa(const ServiceCa& a, const ServiceCa& b);

// Reads the CA directory `dir`. The CA key is decrypted with what
// `password` returns, which is asked only when the directory's CA is not
// `current`'s (a reload after `ca retire` needs no password). kInvalidData
// when DIR/previous/cross.crt is not a certificate for the current CA.
using CaPasswordFn = std::function<Result<SecretString>()>;
Result<ServiceCa> LoadServiceCa(const std::string& dir, const CaPasswordFn& password,
                                const ServiceCa* current = nullptr);

class EnrollmentService {
 public:
  // `inventory` must outlive the service.
  EnrollmentService(ServiceCa ca, Inventory* inventory);

  // POST /v1/enroll: a one-time token and a CSR for the token's name. The
  // certificate gets the subject the token grants (GrantedSubject), whatever
  // subject the CSR asks for (its CN, if any, must still be the name).
  ServiceResult<IssuedChain> Enroll(std::string_view body, TimePoint now);
  // POST /v1/renew: a CSR, authenticated by the current certificate; the
  // new certificate keeps the current one's subject.
  ServiceResult<IssuedChain> Renew(std::string_view body, const PeerCertificate& peer,
                                   TimePoint now);
  // The CRL of the issuing CA, regenerated when the revocations change or
  // the cached one is older than an hour.
  ServiceResult<EncodedCrl> Crl(TimePoint now);
  HealthReport Health(TimePoint now) const;

  // What requests are answered with now: each request works with the one
  // it started with, whatever Replace does meanwhile.
  std::shared_ptr<const ServiceCa> ca() const;
  // From any thread: later requests sign with `ca` and hand out its anchors.
  void Replace(ServiceCa ca);

 private:
  // A certificate for identity `name` with `subject`.
  static ServiceResult<Certificate> Issue(const ServiceCa& ca, const std::string& name,
                                          const DistinguishedName& subject, EVP_PKEY* key,
                                          const SubjectAltNames& sans, Role role, Validity days,
                                          TimePoint now);
  // A retry (EnrollRequest::retry) of an enrollment whose answer was lost (a
  // replica died after recording it, a connection broke): the certificate the used token
  // already obtained, if it certifies the key of this (verified) request and
  // is still the name's valid one. Never a second certificate for a token.
  std::optional<IssuedChain> AlreadyEnrolled(const TokenRecord& token, const std::string& csr_pem);
  // Likewise for a renewal the client marks as a retry (RenewRequest::retry):
  // the name's current certificate when it certifies the key of this
  // request (the renewal was recorded, its answer lost). Without the mark a
  // superseded certificate is refused, as always.
  std::optional<IssuedChain> AlreadyRenewed(const InventoryRecord& old, const std::string& body);
  // The validity a renewal of `name`'s `current` certificate gets.
  Validity GrantedDays(const ServiceCa& ca, const std::string& name, const Certificate& current,
                       TimePoint now);

  mutable std::mutex ca_mu_;
  std::shared_ptr<const ServiceCa> ca_;
  Inventory* inventory_;

  std::mutex crl_mu_;
  std::string crl_issuer_;  // the SHA-256 of the CA the cached CRL is from
  std::optional<EncodedCrl> crl_;
  size_t crl_revoked_count_ = 0;
  TimePoint crl_made_at_;
};

}  // namespace certmint
