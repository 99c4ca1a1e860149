#include "ca/records.h"

namespace certmint {

Result<std::unique_ptr<Inventory>> OpenCaInventory(const std::string& pki_dir) {
  CM_RETURN_IF_ERROR(CertificateAuthority::LoadCertificate(pki_dir));
  return OpenInventory(pki_dir);
}

Result<std::unique_ptr<Inventory>> OpenCaInventoryReadOnly(const std::string& pki_dir) {
  CM_RETURN_IF_ERROR(CertificateAuthority::LoadCertificate(pki_dir));
  return OpenInventoryReadOnly(pki_dir);
}

Result<InventoryRecord> RevokeIssued(const std::string& pki_dir, const std::string& name_or_serial,
                                     int reason, TimePoint now) {
  CM_ASSIGN_OR_RETURN(auto inventory, OpenCaInventory(pki_dir));
  return inventory->Revoke(name_or_serial, reason, now);
}

Result<PublishedCrl> PublishCrl(const CertificateAuthority& ca, const std::string& pki_dir,
                                int days, TimePoint now) {
  CM_ASSIGN_OR_RETURN(auto inventory, OpenInventory(pki_dir));
  CM_ASSIGN_OR_RETURN(auto revoked, inventory->RevokedBy(ca.certificate().Sha256Fingerprint()));
  PublishedCrl published;
  CM_ASSIGN_OR_RETURN(published.number, inventory->NextCrlNumber());
  published.revoked = revoked.size();
  CrlOptions options;
  options.number = published.number;
  options.days = days;
  options.now = now;
  CM_ASSIGN_OR_RETURN(published.crl, MakeCrl(ca, revoked, options));
  return published;
}

}  // namespace certmint
