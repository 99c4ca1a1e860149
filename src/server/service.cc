#include "server/service.h"

#include <openssl/x509.h>

#include <algorithm>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "ca/crl.h"
#include "ca/issuer.h"
#include "core/fs.h"
#include "enroll/protocol.h"
#include "enroll/token.h"
#include "identity/identity.h"
#include "version.h"
#include "x509/csr.h"
#include "x509/issue.h"

namespace certmint {
namespace {

// The request's CSR, checked: parses, its signature verifies, it does not
// ask for CA:TRUE, its key is acceptable, its CN (if any) is `name` and its
// names are within `allowed`. On refusal, the response to send.
std::optional<ApiResponse> CheckCsr(const std::string& pem, const std::string& name,
                                    const SubjectAltNames& allowed,
                                    std::optional<CertificateRequest>* out) {
  auto req = CertificateRequest::Parse(pem);
  if (!req) {
    return ApiError(400, "bad_csr", "field 'csr' is not a PEM certificate request");
  }
  if (!req->SignatureValid()) {
    return ApiError(400, "bad_csr_signature",
                    "the request's signature does not verify (altered, or not made with the key "
                    "it carries)");
  }
  if (req->RequestsCa()) {
    return ApiError(403, "ca_not_allowed",
                    "the request asks for basicConstraints CA:TRUE; the service certifies nodes "
                    "only");
  }
  if (auto st = CheckRequestKey(req->PublicKey()); !st) {
    return ApiError(400, "weak_key", st.error().message());
  }
  const std::string cn = req->Subject().CommonNameValue();
  if (!cn.empty() && cn != name) {
    return ApiError(403, "name_not_allowed",
                    fmt::format("the request's CN '{}' is not '{}'", PrintableField(cn, 64), name));
  }
  const std::string extra = NamesOutside(req->RequestedSans(), allowed);
  if (!extra.empty()) {
    return ApiError(403, "names_not_allowed",
                    fmt::format("the request asks for {}, which this {} does not allow",
                                PrintableField(extra, 300),
                                allowed.empty() ? "identity" : "grant"));
  }
  out->emplace(std::move(*req));
  return std::nullopt;
}

}  // namespace

ApiResponse TokenRefusal(RedeemOutcome outcome, const TokenRecord& token) {
  switch (outcome) {
    case RedeemOutcome::kRevoked:
      return ApiError(401, "token_revoked", "the token was revoked");
    case RedeemOutcome::kUsed:
      return ApiError(401, "token_used", "the token has already been used");
    case RedeemOutcome::kExpired:
      return ApiError(401, "token_expired",
                      fmt::format("the token expired at {}", FormatUtc(token.grant.expires_at)));
    case RedeemOutcome::kUnknown:
    case RedeemOutcome::kRedeemed:
      break;
  }
  return ApiError(401, "invalid_token", "unknown token");
}

ApiResponse ApiError(int status, std::string_view code, std::string_view message) {
  return ApiResponse{status, "application/json", ErrorJson(code, message), ""};
}

namespace {

std::vector<std::string> Fingerprints(const ServiceCa& s) {
  std::vector<std::string> out{s.authority.certificate().Sha256Fingerprint()};
  for (const auto& c : s.trust) {
    out.push_back(c.Sha256Fingerprint());
  }
  out.push_back(s.cross ? s.cross->Sha256Fingerprint() : "-");
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
    authority.emplace(current->authority);
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

ApiResponse EnrollmentService::Answer(const ServiceCa& ca, const std::string& name,
                                      const Certificate& cert) {
  IssuedChain issued{name, cert, ca.authority.Chain(), ca.trust};
  ApiResponse r{200, "application/json", IssuedChainJson(issued), name};
  return r;
}

ApiResponse EnrollmentService::Issue(const ServiceCa& ca, const std::string& name, EVP_PKEY* key,
                                     const SubjectAltNames& sans, Role role, int days,
                                     TimePoint now, std::optional<Certificate>* out) {
  LeafProfile profile;
  auto subject = DistinguishedName::CommonName(name);
  if (!subject) {
    return ApiError(500, "internal", "the identity name cannot be a CN");
  }
  profile.subject = std::move(*subject);
  profile.sans = sans;
  profile.role = role;
  profile.days = days;
  profile.now = now;
  auto cert = Issuer(ca.authority, nullptr).Sign(CertificateOrder{name, key, profile});
  if (!cert) {
    return ApiError(503, "ca_unavailable", cert.error().message());
  }
  out->emplace(std::move(*cert));
  return ApiResponse{};
}

ApiResponse EnrollmentService::Enroll(std::string_view body, TimePoint now) {
  auto req = ParseEnrollRequest(body);
  if (!req) {
    return ApiError(400, "bad_request", req.error().message());
  }
  if (!LooksLikeEnrollmentToken(req->token.reveal())) {
    return ApiError(401, "invalid_token", "the token is malformed (expected cmt_ and 64 hex digits)");
  }
  const std::string hash = HashEnrollmentToken(req->token.reveal());
  auto token = inventory_->FindToken(hash);
  if (!token) {
    if (token.error().code() == ErrorCode::kNotFound) {
      return ApiError(401, "invalid_token", "unknown token");
    }
    return ApiError(503, "inventory_unavailable", "the inventory cannot be read");
  }
  if (RedeemOutcome state = TokenState(*token, now); state != RedeemOutcome::kRedeemed) {
    return TokenRefusal(state, *token);
  }
  const TokenGrant& grant = token->grant;
  if (req->name != grant.name) {
    return ApiError(403, "name_not_allowed",
                    fmt::format("the token is not for '{}'", PrintableField(req->name, 64)));
  }
  std::optional<CertificateRequest> csr;
  if (auto refusal = CheckCsr(req->csr_pem, grant.name, grant.sans, &csr)) {
    refusal->name = grant.name;
    return *refusal;
  }
  // The certificate names what the request asked for, or every name the
  // token grants when it asked for none.
  SubjectAltNames sans = csr->RequestedSans();
  if (sans.empty()) {
    sans = grant.sans;
  }
  const auto ca = this->ca();
  std::optional<Certificate> cert;
  if (auto r = Issue(*ca, grant.name, csr->PublicKey(), sans, grant.role, grant.days, now, &cert);
      !cert) {
    return r;
  }
  auto outcome = inventory_->RedeemToken(hash, *cert, ca->authority.certificate(), now);
  if (!outcome) {
    return ApiError(503, "inventory_unavailable", "the inventory cannot record the certificate");
  }
  // Another request may have redeemed (or someone revoked) the token since
  // it was read.
  return *outcome == RedeemOutcome::kRedeemed ? Answer(*ca, grant.name, *cert)
                                              : TokenRefusal(*outcome, *token);
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

int EnrollmentService::GrantedDays(const ServiceCa& ca, const std::string& name,
                                   const Certificate& current) {
  // A renewal keeps the validity the node has; but a certificate the CA cut
  // short (the CA was near its end) does not say what the node was granted,
  // and keeping its length would shorten the node's certificates for good,
  // even once a rotated CA could issue the full length.
  if (!EndsWithItsIssuer(current, ca)) {
    return ValidityDays(current);
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
      return std::max(1, latest->grant.days);
    }
  }
  // ...else (an identity issued with the CA, not enrolled) the longest of
  // its certificates.
  int days = ValidityDays(current);
  InventoryFilter filter;
  filter.name = name;
  if (auto history = inventory_->List(filter, std::chrono::system_clock::now()); history) {
    for (const auto& r : *history) {
      if (auto cert = Certificate::FromPem(r.certificate_pem)) {
        days = std::max(days, ValidityDays(*cert));
      }
    }
  }
  return days;
}

ApiResponse EnrollmentService::Renew(std::string_view body, const PeerCertificate& peer,
                                     TimePoint now) {
  if (!peer.certificate) {
    return ApiError(401, "client_certificate_required",
                    "renewal needs the current certificate as the TLS client certificate");
  }
  const Certificate& current = *peer.certificate;
  if (peer.verify_result != X509_V_OK) {
    return ApiError(403, "certificate_rejected",
                    fmt::format("the client certificate was rejected: {}",
                                X509_verify_cert_error_string(peer.verify_result)));
  }
  auto record = inventory_->FindBySerial(current.SerialHex());
  if (!record || record->sha256 != current.Sha256Fingerprint()) {
    return ApiError(403, "unknown_certificate",
                    "the client certificate is not in this CA's inventory");
  }
  switch (record->status) {
    case CertStatus::kValid:
      break;
    case CertStatus::kRevoked:
      return ApiError(403, "certificate_revoked",
                      fmt::format("the client certificate (serial {}) was revoked at {}",
                                  record->serial, record->revoked_at));
    case CertStatus::kSuperseded:
    case CertStatus::kPending:
      return ApiError(403, "certificate_superseded",
                      fmt::format("the client certificate (serial {}) is no longer the current "
                                  "one of {}",
                                  record->serial, record->name));
  }
  auto req = ParseRenewRequest(body);
  if (!req) {
    return ApiError(400, "bad_request", req.error().message());
  }
  const SubjectAltNames allowed = current.Sans();
  std::optional<CertificateRequest> csr;
  if (auto refusal = CheckCsr(req->csr_pem, record->name, allowed, &csr)) {
    refusal->name = record->name;
    return *refusal;
  }
  SubjectAltNames sans = csr->RequestedSans();
  if (sans.empty()) {
    sans = allowed;
  }
  const auto ca = this->ca();
  const int days = GrantedDays(*ca, record->name, current);
  std::optional<Certificate> cert;
  if (auto r =
          Issue(*ca, record->name, csr->PublicKey(), sans, RoleOf(current), days, now, &cert);
      !cert) {
    return r;
  }
  auto outcome = inventory_->RecordRenewal(record->name, record->serial, *cert,
                                           ca->authority.certificate(), now);
  if (!outcome) {
    return ApiError(503, "inventory_unavailable", "the inventory cannot record the certificate");
  }
  if (*outcome == RenewalOutcome::kNotCurrent) {
    return ApiError(409, "certificate_superseded",
                    "the client certificate was superseded or revoked meanwhile");
  }
  return Answer(*ca, record->name, *cert);
}

ApiResponse EnrollmentService::CaBundle() const {
  const auto ca = this->ca();
  return ApiResponse{200, "application/json", CaBundleJson(ca->trust, ca->authority.Chain()),
                     ""};
}

ApiResponse EnrollmentService::Crl(bool pem, TimePoint now) {
  const auto ca = this->ca();
  const std::string issuer = ca->authority.certificate().Sha256Fingerprint();
  auto revoked = inventory_->RevokedBy(issuer);
  if (!revoked) {
    return ApiError(503, "inventory_unavailable", "the inventory cannot be read");
  }
  std::lock_guard<std::mutex> lock(crl_mu_);
  if (crl_der_.empty() || crl_issuer_ != issuer || revoked->size() != crl_revoked_count_ ||
      now - crl_made_at_ > std::chrono::hours(1)) {
    auto number = inventory_->NextCrlNumber();
    if (!number) {
      return ApiError(503, "inventory_unavailable", "the inventory cannot number the CRL");
    }
    CrlOptions o;
    o.number = *number;
    o.now = now;
    auto crl = MakeCrl(ca->authority, *revoked, o);
    if (!crl) {
      return ApiError(503, "ca_unavailable", "the CRL cannot be signed");
    }
    crl_der_ = std::move(crl->der);
    crl_pem_ = std::move(crl->pem);
    crl_issuer_ = issuer;
    crl_revoked_count_ = revoked->size();
    crl_made_at_ = now;
  }
  return pem ? ApiResponse{200, "application/x-pem-file", crl_pem_, ""}
             : ApiResponse{200, "application/pkix-crl", crl_der_, ""};
}

ApiResponse EnrollmentService::Health(TimePoint now) const {
  const auto ca = this->ca();
  const Certificate& c = ca->authority.certificate();
  nlohmann::json j{{"status", c.NotAfter() > now ? "ok" : "ca_expired"},
                   {"version", kVersion},
                   {"ca",
                    {{"subject", c.Subject().ToString()},
                     {"not_after", FormatUtc(c.NotAfter())},
                     {"sha256_fingerprint", c.Sha256Fingerprint()}}}};
  return ApiResponse{c.NotAfter() > now ? 200 : 503, "application/json",
                     j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace), ""};
}

}  // namespace certmint
