#include "ca/records.h"

#include <fmt/format.h>

#include <algorithm>

#include "core/encoding.h"
#include "x509/certificate.h"

namespace certmint {

Result<std::unique_ptr<Inventory>> OpenCaInventory(const std::string& pki_dir) {
  CM_RETURN_IF_ERROR(CertificateAuthority::LoadCertificate(pki_dir));
  return OpenInventory(pki_dir);
}

Result<std::unique_ptr<Inventory>> OpenCaInventoryReadOnly(const std::string& pki_dir) {
  CM_RETURN_IF_ERROR(CertificateAuthority::LoadCertificate(pki_dir));
  return OpenInventoryReadOnly(pki_dir);
}

Result<InventoryRecord> FindRevocationTarget(Inventory& inventory,
                                             const std::string& name_or_serial, TimePoint now) {
  if (auto serial = NormalizeSerialHex(name_or_serial)) {
    auto found = inventory.FindBySerial(*serial);
    if (found || found.error().code() != ErrorCode::kNotFound) {
      return found;
    }
  }
  InventoryFilter current;
  current.current_only = true;
  current.name = name_or_serial;
  CM_ASSIGN_OR_RETURN(auto rows, inventory.List(current, now));
  if (rows.empty()) {
    return MakeError(ErrorCode::kNotFound, fmt::format("no certificate with serial or name '{}'",
                                                       PrintableBytes(name_or_serial, 80)));
  }
  // Rows come oldest first: the valid one, else the newest.
  auto valid = std::find_if(rows.rbegin(), rows.rend(), [](const InventoryRecord& r) {
    return r.status == CertStatus::kValid;
  });
  return valid != rows.rend() ? *valid : rows.back();
}

std::string RenderRevocationTargetText(const InventoryRecord& r, TimePoint now) {
  std::string age;
  if (auto issued = ParseUtc(r.not_before)) {
    const auto minutes = std::chrono::duration_cast<std::chrono::minutes>(now - *issued).count();
    age = minutes < 120 ? fmt::format(" ({} minutes ago)", minutes)
                        : fmt::format(" ({} days ago)", minutes / (60 * 24));
  }
  return fmt::format(
      "  name:        {}\n  serial:      {}\n  issued:      {}{}\n  names:       {}\n"
      "  valid until: {}\n  status:      {}\n",
      PrintableBytes(r.name, 80), PrintableBytes(r.serial), PrintableBytes(r.not_before), age,
      PrintableBytes(r.sans, 400), PrintableBytes(r.not_after), CertStatusName(r.status));
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
