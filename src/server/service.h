// The CA service's logic, apart from HTTP: what `certmint serve` answers to
// each request. Every refusal happens before anything is signed or written;
// the inventory changes only in the one transaction that redeems a token or
// records a renewal.
#pragma once

#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "ca/authority.h"
#include "core/encoding.h"
#include "inventory/inventory.h"
#include "x509/certificate.h"

namespace certmint {

struct ApiResponse {
  int status = 200;
  std::string content_type = "application/json";
  std::string body;
  // For the access log: the identity concerned, when known. Never secrets.
  std::string name;
};

// The name `certmint serve` records its own TLS certificates under.
inline constexpr std::string_view kServiceIdentityName = "certmint-serve";

ApiResponse ApiError(int status, std::string_view code, std::string_view message);
// The 401 for a token that cannot be redeemed (TokenState's answer).
ApiResponse TokenRefusal(RedeemOutcome outcome, const TokenRecord& token);

// What the TLS layer knows about the client of a renewal.
struct PeerCertificate {
  std::optional<Certificate> certificate;  // none: the client sent none
  long verify_result = 0;                   // X509_V_OK when it chains to a trust anchor
};

class EnrollmentService {
 public:
  // `inventory` must outlive the service. `trust`: the trust anchors handed to
  // nodes (TrustAnchors of the PKI directory).
  EnrollmentService(CertificateAuthority ca, std::vector<Certificate> trust,
                    Inventory* inventory);

  ApiResponse Enroll(std::string_view body, TimePoint now);
  ApiResponse Renew(std::string_view body, const PeerCertificate& peer, TimePoint now);
  ApiResponse CaBundle() const;
  // The CRL of the issuing CA, regenerated when the revocations change or
  // the cached one is older than an hour.
  ApiResponse Crl(bool pem, TimePoint now);
  ApiResponse Health(TimePoint now) const;

  const CertificateAuthority& ca() const { return ca_; }
  const std::vector<Certificate>& trust() const { return trust_; }

 private:
  ApiResponse Issue(const std::string& name, EVP_PKEY* key, const SubjectAltNames& sans,
                    Role role, int days, TimePoint now, std::optional<Certificate>* out);
  ApiResponse Answer(const std::string& name, const Certificate& cert) const;

  CertificateAuthority ca_;
  std::vector<Certificate> trust_;
  Inventory* inventory_;

  std::mutex crl_mu_;
  std::string crl_der_;
  std::string crl_pem_;
  size_t crl_revoked_count_ = 0;
  TimePoint crl_made_at_;
};

}  // namespace certmint
