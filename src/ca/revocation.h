// `certmint revoke` behind its flags: which certificate is meant, what the
// operator is shown before it is revoked, and what is reported after.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "core/encoding.h"
#include "core/error.h"
#include "inventory/inventory.h"

namespace certmint {

// SelectRevocationTarget is FindRevocationTarget, refused when `serial_pin`
// (--serial; empty: none) is not the serial found (kInvalidArgument: a
// renewal replaced the certificate meant; nothing revoked) and when the
// certificate is already revoked (AlreadyRevokedError).
Result<InventoryRecord> SelectRevocationTarget(Inventory& inventory,
                                               const std::string& name_or_serial,
                                               const std::string& serial_pin, TimePoint now);

// RevocationConfirmText: "certmint revoke: this certificate:", the facts of
// RenderRevocationTargetText, and a warning when it was issued less than
// kFreshCertificateAge before `now` (perhaps the renewal of the one meant).
std::string RevocationConfirmText(const InventoryRecord& target, TimePoint now);

// RevocationQuestion: "Revoke it (REASON)?".
std::string RevocationQuestion(int reason);

// What was revoked (or, for a dry run, would be): InventoryRecordJson with
// "dry_run", or one line naming it and how to publish the new CRL.
nlohmann::json RevocationJson(const InventoryRecord& target, bool dry_run, TimePoint now);
std::string RevocationText(const InventoryRecord& target, int reason, bool dry_run,
                           const std::string& pki_dir);

}  // namespace certmint
