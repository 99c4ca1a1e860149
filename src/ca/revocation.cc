#include "ca/revocation.h"

#include <fmt/format.h>

#include "ca/records.h"
#include "inventory/record_render.h"
#include "x509/certificate.h"

namespace certmint {

Result<InventoryRecord> SelectRevocationTarget(Inventory& inventory,
                                               const std::string& name_or_serial,
                                               const std::string& serial_pin, TimePoint now) {
  CM_ASSIGN_OR_RETURN(auto target, FindRevocationTarget(inventory, name_or_serial, now));
  if (!serial_pin.empty()) {
    CM_ASSIGN_OR_RETURN(auto pinned, WithContext(NormalizeSerialHex(serial_pin), "--serial"));
    if (pinned != target.serial) {
      return MakeError(
          ErrorCode::kInvalidArgument,
          fmt::format("--serial {}: {} means serial {} (issued {}); nothing revoked", pinned,
                      PrintableBytes(name_or_serial, 80), target.serial, target.not_before));
    }
  }
  if (target.status == CertStatus::kRevoked) {
    return tl::unexpected(AlreadyRevokedError(target));
  }
  return target;
}

std::string RevocationConfirmText(const InventoryRecord& target, TimePoint now) {
  std::string text =
      "certmint revoke: this certificate:\n" + RenderRevocationTargetText(target, now);
  const auto issued = ParseUtc(target.not_before);
  if (issued && now - *issued < kFreshCertificateAge) {
    text +=
        "warning: it was issued within the last hour: if it replaced the one you mean "
        "(a renewal), give that one's --serial\n";
  }
  return text;
}

std::string RevocationQuestion(int reason) {
  return fmt::format("Revoke it ({})?", RevocationReasonName(reason));
}

nlohmann::json RevocationJson(const InventoryRecord& target, bool dry_run, TimePoint now) {
  nlohmann::json j = InventoryRecordJson(target, now);
  j["dry_run"] = dry_run;
  return j;
}

std::string RevocationText(const InventoryRecord& target, int reason, bool dry_run,
                           const std::string& pki_dir) {
  return fmt::format("{} {} (serial {}, {}). Publish a new CRL: certmint crl --dir {} --out FILE\n",
                     dry_run ? "Dry run: would revoke" : "Revoked", PrintableBytes(target.name, 80),
                     target.serial, RevocationReasonName(reason), pki_dir);
}

}  // namespace certmint
