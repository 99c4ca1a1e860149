#include "ocsp/crl_publisher.h"

namespace certmint {

Result<bool> CrlPublisher::Refresh(const CertificateAuthority& ca, TimePoint now) {
  std::lock_guard<std::mutex> refreshing(refresh_mu_);
  const std::string issuer = ca.certificate().Sha256Fingerprint();
  CM_ASSIGN_OR_RETURN(const long long revoked, inventory_->RevokedCount(issuer));
  std::shared_ptr<const Published> current;
  {
    std::lock_guard<std::mutex> lock(mu_);
    current = current_;
  }
  if (current && current->ca_sha256 == issuer && current->revoked == revoked &&
      now - current->signed_at < kCrlResignInterval && now >= current->signed_at) {
    return false;
  }
  CM_ASSIGN_OR_RETURN(auto records, inventory_->RevokedBy(issuer));
  CM_ASSIGN_OR_RETURN(auto number, inventory_->NextCrlNumber());
  CrlOptions options;
  options.number = number;
  options.days = kPublishedCrlDays;
  options.now = now;
  CM_ASSIGN_OR_RETURN(auto crl, WithContext(MakeCrl(ca, records, options), "signing the CRL"));
  auto next = std::make_shared<const Published>(
      Published{std::move(crl), issuer, static_cast<long long>(records.size()), now});
  std::lock_guard<std::mutex> lock(mu_);
  current_ = std::move(next);
  return true;
}

std::shared_ptr<const EncodedCrl> CrlPublisher::Current() const {
  std::lock_guard<std::mutex> lock(mu_);
  if (!current_) {
    return nullptr;
  }
  return std::shared_ptr<const EncodedCrl>(current_, &current_->crl);
}

}  // namespace certmint
