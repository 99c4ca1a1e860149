#include "server/service.h"

#include <fmt/format.h>
#include <openssl/x509.h>

#include <algorithm>

#include "ca/crl.h"
#include "ca/csr_policy.h"
#include "ca/issuer.h"
#include "core/fs.h"
#include "enroll/protocol.h"
#include "enroll/token.h"
#include "identity/identity.h"
#include "x509/csr.h"
#include "x509/issue.h"

namespace certmint {
namespace {

ServiceError Refuse(ProtocolError error, std::string message) {
  return ServiceError{error, std::move(message), ""};
}

tl::unexpected<ServiceError> Fail(ProtocolError error, std::string message) {
  return tl::unexpected(Refuse(error, std::move(message)));
}

// The service's answer to a request ca/csr_policy.h refuses.
ServiceError CsrRefusalAnswer(const CsrRefusal& r, const std::string& name,
                              const SubjectAltNames& allowed) {
  switch (r.reason) {
    case CsrRefusalReason::kBadSignature:
      return Refuse(ProtocolError::kBadCsrSignature,
                    "the request's signature does not verify (altered, or not made with the key "
                    "it carries)");
    case CsrRefusalReason::kRequestsCa:
      return Refuse(ProtocolError::kCaNotAllowed,
                    "the request asks for basicConstraints CA:TRUE; the service certifies nodes "
                    "only");
    case CsrRefusalReason::kUnacceptableKey:
      return Refuse(ProtocolError::kWeakKey, r.message);
    case CsrRefusalReason::kNameMismatch:
      return Refuse(
          ProtocolError::kNameNotAllowed,
          fmt::format("the request's CN '{}' is not '{}'", PrintableField(r.subject, 64), name));
    case CsrRefusalReason::kNamesNotAllowed:
      break;
  }
  return Refuse(
      ProtocolError::kNamesNotAllowed,
      fmt::format("the request asks for {}, which this {} does not allow",
                  PrintableField(r.subject, 300), allowed.empty() ? "identity" : "grant"));
}

// The request's CSR, parsed and checked by the CA's request policy (its
// signature, no CA:TRUE, its key, its CN (if any) is `name`, its names
// within `allowed`). On refusal, the answer to send.
std::optional<ServiceError> CheckCsr(const std::string& pem, const std::string& name,
                                     const SubjectAltNames& allowed,
                                     std::optional<CertificateRequest>* out) {
  auto req = CertificateRequest::Parse(pem);
  if (!req) {
    return Refuse(ProtocolError::kBadCsr, "field 'csr' is not a PEM certificate request");
  }
  CsrPolicy policy;
  policy.allowed = allowed;
  policy.common_name = name;
  if (auto refusal = FindCsrRefusal(*req, policy)) {
    return CsrRefusalAnswer(*refusal, name, allowed);
  }
  out->emplace(std::move(*req));
  return std::nullopt;
}

}  // namespace

ServiceError TokenRefusal(RedeemOutcome outcome, const TokenRecord& token) {
  switch (outcome) {
    case RedeemOutcome::kRevoked:
      return Refuse(ProtocolError::kTokenRevoked, "the token was revoked");
    case RedeemOutcome::kUsed:
      return Refuse(ProtocolError::kTokenUsed, "the token has already been used");
    case RedeemOutcome::kExpired:
      return Refuse(ProtocolError::kTokenExpired,
                    fmt::format("the token expired at {}", FormatUtc(token.grant.expires_at)));
    case RedeemOutcome::kUnknown:
    case RedeemOutcome::kRedeemed:
      break;
  }
  return Refuse(ProtocolError::kInvalidToken, "unknown token");
}

namespace {

std::vector<std::string> Fingerprints(const ServiceCa& s) {
  std::vector<std::string> out{s.authority.certificate().Sha256Fingerprint()};
  for (const auto& c : s.trust) {
    out.push_back(c.Sha256Fingerprint());
  }
  out.push_back(s.cross ? s.cross->Sha256Fingerprint() : "-");
  out.push_back(s.authority.settings().url);
  return out;
}

// The cross-certificate of a rotation in progress, if `rotate` left one.
Result<std::optional<Certificate>> LoadCrossCertificate(const std::string& dir,
                                                        const CertificateAuthority& ca) {
  const std::string path = CrossCertificatePath(dir);
  if (!RotationInProgress(dir) || !fs::Exists(path)) {
    return std::optional<Certificate>();
  }
  CM_ASSIGN_OR_RETURN(auto pem, fs::ReadFile(path));
  CM_ASSIGN_OR_RETURN(auto cross, WithContext(Certificate::FromPem(pem), path));
  if (!CertifiesSigner(cross, ca.signer()) ||
      cross.Subject().ToString() != ca.certificate().Subject().ToString()) {
    return MakeError(ErrorCode::kInvalidData,
                     fmt::format("{}: not a certificate for the current CA", path));
  }
  return std::optional<Certificate>(std::move(cross));
}

ServiceCa WithDefaultTrust(ServiceCa s) {
  if (s.trust.empty()) {
    s.trust.push_back(s.authority.Chain().back());
  }
  return s;
}

}  // namespace

bool SameServiceCa(const ServiceCa& a, const ServiceCa& b) {
  return Fingerprints(a) == Fingerprints(b);
}

Result<ServiceCa> LoadServiceCa(const std::string& dir, const CaPasswordFn& password,
                                const ServiceCa* current) {
  CM_ASSIGN_OR_RETURN(auto cert, CertificateAuthority::LoadCertificate(dir));
  std::optional<CertificateAuthority> authority;
  if (current != nullptr && current->authority.dir() == dir &&
      current->authority.certificate().Sha256Fingerprint() == cert.Sha256Fingerprint()) {
    // The same CA: its settings (`ca set-url`) are read again.
    CM_ASSIGN_OR_RETURN(auto settings, LoadCaSettings(dir));
    authority.emplace(current->authority.WithSettings(std::move(settings)));
  } else {
    CM_ASSIGN_OR_RETURN(auto pw, password());  // wiped when it goes
    CM_ASSIGN_OR_RETURN(auto loaded, CertificateAuthority::Load(dir, pw));
    authority.emplace(std::move(loaded));
  }
  CM_ASSIGN_OR_RETURN(auto trust, TrustAnchors(dir));
  CM_ASSIGN_OR_RETURN(auto cross, LoadCrossCertificate(dir, *authority));
  return WithDefaultTrust(ServiceCa{std::move(*authority), std::move(trust), std::move(cross)});
}

EnrollmentService::EnrollmentService(ServiceCa ca, Inventory* inventory)
    : ca_(std::make_shared<const ServiceCa>(WithDefaultTrust(std::move(ca)))),
      inventory_(inventory) {}

std::shared_ptr<const ServiceCa> EnrollmentService::ca() const {
  std::lock_guard<std::mutex> lock(ca_mu_);
  return ca_;
}

void EnrollmentService::Replace(ServiceCa ca) {
  auto next = std::make_shared<const ServiceCa>(WithDefaultTrust(std::move(ca)));
  std::lock_guard<std::mutex> lock(ca_mu_);
  ca_ = std::move(next);
}

ServiceResult<Certificate> EnrollmentService::Issue(const ServiceCa& ca, const std::string& name,
                                                    const DistinguishedName& subject, EVP_PKEY* key,
                                                    const SubjectAltNames& sans, Role role,
                                                    Validity days, TimePoint now) {
  LeafProfile profile;
  profile.subject = subject;
  profile.sans = sans;
  profile.role = role;
  profile.days = days;
  profile.now = now;
  auto cert = Issuer(ca.authority, nullptr).Sign(CertificateOrder{name, key, profile});
  if (!cert) {
    return tl::unexpected(Refuse(ProtocolError::kCaUnavailable, cert.error().message()));
  }
  return std::move(*cert);
}

ServiceResult<IssuedChain> EnrollmentService::Enroll(std::string_view body, TimePoint now) {
  auto req = ParseEnrollRequest(body);
  if (!req) {
    return Fail(ProtocolError::kBadRequest, req.error().message());
  }
  if (!LooksLikeEnrollmentToken(req->token.reveal())) {
    return Fail(ProtocolError::kInvalidToken,
                "the token is malformed (expected cmt_ and 64 hex digits)");
  }
  const std::string hash = HashEnrollmentToken(req->token.reveal());
  auto token = inventory_->FindToken(hash);
  if (!token) {
    if (token.error().code() == ErrorCode::kNotFound) {
      return Fail(ProtocolError::kInvalidToken, "unknown token");
    }
    return Fail(ProtocolError::kInventoryUnavailable, "the inventory cannot be read");
  }
  if (RedeemOutcome state = TokenState(*token, now); state != RedeemOutcome::kRedeemed) {
    if (state == RedeemOutcome::kUsed && req->retry && req->name == token->grant.name) {
      if (auto again = AlreadyEnrolled(*token, req->csr_pem)) {
        return std::move(*again);
      }
    }
    return tl::unexpected(TokenRefusal(state, *token));
  }
  const TokenGrant& grant = token->grant;
  if (req->name != grant.name) {
    return Fail(ProtocolError::kNameNotAllowed,
                fmt::format("the token is not for '{}'", PrintableField(req->name, 64)));
  }
  std::optional<CertificateRequest> csr;
  if (auto refusal = CheckCsr(req->csr_pem, grant.name, grant.sans, &csr)) {
    refusal->name = grant.name;
    return tl::unexpected(*refusal);
  }
  // The certificate names what the request asked for, or every name the
  // token grants when it asked for none.
  SubjectAltNames sans = csr->RequestedSans();
  if (sans.empty()) {
    sans = grant.sans;
  }
  auto subject = GrantedSubject(grant);
  if (!subject) {
    return Fail(ProtocolError::kCaUnavailable,
                "the subject this token grants cannot be read from the inventory");
  }
  const auto ca = this->ca();
  auto cert = Issue(*ca, grant.name, *subject, csr->PublicKey(), sans, grant.role, grant.days, now);
  if (!cert) {
    return tl::unexpected(cert.error());
  }
  auto outcome = inventory_->RedeemToken(hash, *cert, ca->authority.certificate(), now);
  if (!outcome) {
    return Fail(ProtocolError::kInventoryUnavailable,
                "the inventory cannot record the certificate");
  }
  // Another request may have redeemed (or someone revoked) the token since
  // it was read.
  if (*outcome != RedeemOutcome::kRedeemed) {
    if (*outcome == RedeemOutcome::kUsed && req->retry) {
      // Our own earlier attempt, on this or another replica, may have won.
      if (auto used = inventory_->FindToken(hash); used) {
        if (auto again = AlreadyEnrolled(*used, req->csr_pem)) {
          return std::move(*again);
        }
      }
    }
    return tl::unexpected(TokenRefusal(*outcome, *token));
  }
  return IssuedChain{grant.name, std::move(*cert), ca->authority.Chain(), ca->trust};
}

namespace {

// Whether `cert` certifies the key of the request `csr_pem`, and the
// request passes the CA's policy for `name` (its signature proves the key).
bool CertifiesRequestKey(const Certificate& cert, const std::string& csr_pem,
                         const std::string& name, const SubjectAltNames& allowed) {
  std::optional<CertificateRequest> csr;
  if (CheckCsr(csr_pem, name, allowed, &csr).has_value()) {
    return false;
  }
  return EVP_PKEY_eq(csr->PublicKey(), X509_get0_pubkey(cert.native())) == 1;
}

}  // namespace

std::optional<IssuedChain> EnrollmentService::AlreadyEnrolled(const TokenRecord& token,
                                                              const std::string& csr_pem) {
  if (token.serial.empty()) {
    return std::nullopt;
  }
  auto record = inventory_->FindBySerial(token.serial);
  if (!record || record->status != CertStatus::kValid || record->name != token.grant.name) {
    return std::nullopt;
  }
  auto cert = Certificate::FromPem(record->certificate_pem);
  if (!cert || !CertifiesRequestKey(*cert, csr_pem, token.grant.name, token.grant.sans)) {
    return std::nullopt;
  }
  const auto ca = this->ca();
  return IssuedChain{token.grant.name, std::move(*cert), ca->authority.Chain(), ca->trust};
}

std::optional<IssuedChain> EnrollmentService::AlreadyRenewed(const InventoryRecord& old,
                                                             const std::string& body) {
  auto req = ParseRenewRequest(body);
  if (!req || !req->retry) {
    return std::nullopt;  // a superseded certificate cannot renew
  }
  InventoryFilter filter;
  filter.name = old.name;
  auto records = inventory_->List(filter, TimePoint());
  auto old_cert = Certificate::FromPem(old.certificate_pem);
  if (!records || !old_cert) {
    return std::nullopt;
  }
  for (const auto& r : *records) {
    if (r.status != CertStatus::kValid || r.issued_at < old.issued_at) {
      continue;
    }
    auto cert = Certificate::FromPem(r.certificate_pem);
    if (cert && CertifiesRequestKey(*cert, req->csr_pem, old.name, old_cert->Sans())) {
      const auto ca = this->ca();
      return IssuedChain{old.name, std::move(*cert), ca->authority.Chain(), ca->trust};
    }
  }
  return std::nullopt;
}

namespace {

// Whether `cert` ends with the CA (known to `ca`) that issued it: its
// validity was cut short by the CA's own end.
bool EndsWithItsIssuer(const Certificate& cert, const ServiceCa& ca) {
  std::vector<Certificate> known = ca.authority.Chain();
  known.insert(known.end(), ca.trust.begin(), ca.trust.end());
  return std::any_of(known.begin(), known.end(), [&](const Certificate& issuer) {
    return cert.NotAfter() >= issuer.NotAfter() && IssuedBy(cert, issuer);
  });
}

}  // namespace

Validity EnrollmentService::GrantedDays(const ServiceCa& ca, const std::string& name,
                                        const Certificate& current, TimePoint now) {
  // A renewal keeps the validity the node has; but a certificate the CA cut
  // short (the CA was near its end) does not say what the node was granted,
  // and keeping its length would shorten the node's certificates for good,
  // even once a rotated CA could issue the full length.
  if (!EndsWithItsIssuer(current, ca)) {
    return CertificateValidity(current);
  }
  // What the node's enrollment token granted (the latest one, if several)...
  if (auto tokens = inventory_->ListTokens(); tokens) {
    const TokenRecord* latest = nullptr;
    for (const auto& t : *tokens) {
      if (t.grant.name == name && !t.used_at.empty() &&
          (latest == nullptr || t.used_at > latest->used_at)) {
        latest = &t;
      }
    }
    if (latest != nullptr) {
      return std::max(kMinValidity, latest->grant.days);
    }
  }
  // ...else (an identity issued with the CA, not enrolled) the longest of
  // its certificates.
  Validity days = CertificateValidity(current);
  InventoryFilter filter;
  filter.name = name;
  if (auto history = inventory_->List(filter, now); history) {
    for (const auto& r : *history) {
      if (auto cert = Certificate::FromPem(r.certificate_pem)) {
        days = std::max(days, CertificateValidity(*cert));
      }
    }
  }
  return days;
}

ServiceResult<IssuedChain> EnrollmentService::Renew(std::string_view body,
                                                    const PeerCertificate& peer, TimePoint now) {
  if (!peer.certificate) {
    return Fail(ProtocolError::kClientCertificateRequired,
                "renewal needs the current certificate as the TLS client certificate");
  }
  const Certificate& current = *peer.certificate;
  if (peer.verify_result != X509_V_OK) {
    return Fail(ProtocolError::kCertificateRejected,
                fmt::format("the client certificate was rejected: {}",
                            X509_verify_cert_error_string(peer.verify_result)));
  }
  auto record = inventory_->FindBySerial(current.SerialHex());
  if (!record || record->sha256 != current.Sha256Fingerprint()) {
    return Fail(ProtocolError::kUnknownCertificate,
                "the client certificate is not in this CA's inventory");
  }
  switch (record->status) {
    case CertStatus::kValid:
      break;
    case CertStatus::kRevoked:
      return Fail(ProtocolError::kCertificateRevoked,
                  fmt::format("the client certificate (serial {}) was revoked at {}",
                              record->serial, record->revoked_at));
    case CertStatus::kSuperseded:
      if (auto again = AlreadyRenewed(*record, std::string(body))) {
        return std::move(*again);
      }
      [[fallthrough]];
    case CertStatus::kPending:
      return Fail(ProtocolError::kCertificateSuperseded,
                  fmt::format("the client certificate (serial {}) is no longer the current "
                              "one of {}",
                              record->serial, record->name));
  }
  auto req = ParseRenewRequest(body);
  if (!req) {
    return Fail(ProtocolError::kBadRequest, req.error().message());
  }
  const SubjectAltNames allowed = current.Sans();
  std::optional<CertificateRequest> csr;
  if (auto refusal = CheckCsr(req->csr_pem, record->name, allowed, &csr)) {
    refusal->name = record->name;
    return tl::unexpected(*refusal);
  }
  SubjectAltNames sans = csr->RequestedSans();
  if (sans.empty()) {
    sans = allowed;
  }
  const auto ca = this->ca();
  const Validity days = GrantedDays(*ca, record->name, current, now);
  // The same subject (Kafka's principal: an enrolled node's comes from its
  // token), whatever the request asks for.
  auto cert = Issue(*ca, record->name, current.Subject(), csr->PublicKey(), sans, RoleOf(current),
                    days, now);
  if (!cert) {
    return tl::unexpected(cert.error());
  }
  auto outcome = inventory_->RecordRenewal(record->name, record->serial, *cert,
                                           ca->authority.certificate(), now);
  if (!outcome) {
    return Fail(ProtocolError::kInventoryUnavailable,
                "the inventory cannot record the certificate");
  }
  if (*outcome == RenewalOutcome::kNotCurrent) {
    return Fail(ProtocolError::kSupersededMeanwhile,
                "the client certificate was superseded or revoked meanwhile");
  }
  return IssuedChain{record->name, std::move(*cert), ca->authority.Chain(), ca->trust};
}

ServiceResult<EncodedCrl> EnrollmentService::Crl(TimePoint now) {
  const auto ca = this->ca();
  const std::string issuer = ca->authority.certificate().Sha256Fingerprint();
  auto revoked = inventory_->RevokedBy(issuer);
  if (!revoked) {
    return Fail(ProtocolError::kInventoryUnavailable, "the inventory cannot be read");
  }
  std::lock_guard<std::mutex> lock(crl_mu_);
  if (!crl_ || crl_issuer_ != issuer || revoked->size() != crl_revoked_count_ ||
      now - crl_made_at_ > std::chrono::hours(1)) {
    auto number = inventory_->NextCrlNumber();
    if (!number) {
      return Fail(ProtocolError::kInventoryUnavailable, "the inventory cannot number the CRL");
    }
    CrlOptions o;
    o.number = *number;
    o.now = now;
    auto crl = MakeCrl(ca->authority, *revoked, o);
    if (!crl) {
      return Fail(ProtocolError::kCaUnavailable, "the CRL cannot be signed");
    }
    crl_ = std::move(*crl);
    crl_issuer_ = issuer;
    crl_revoked_count_ = revoked->size();
    crl_made_at_ = now;
  }
  return *crl_;
}

HealthReport EnrollmentService::Health(TimePoint now) const {
  const auto ca = this->ca();
  HealthReport report{ca->authority.certificate().NotAfter() > now, ca->authority.certificate(),
                      true, ""};
  if (Status db = inventory_->CheckHealth(); !db) {
    report.inventory_reachable = false;
    report.inventory_error = db.error().message();
  }
  return report;
}

}  // namespace certmint
