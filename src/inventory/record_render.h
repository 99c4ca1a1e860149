// Inventory records as `certmint list` shows them: a table, or JSON. The
// JSON is a contract scripts (and a dashboard endpoint) rely on, so keys are
// only ever added.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "core/error.h"
#include "inventory/inventory.h"

namespace certmint {

// InventoryRecordJson: name, serial, status, subject, dns_names,
// ip_addresses, not_before, not_after, days_left (from `now`), key_type (as
// --key-type spells it), sha256_fingerprint, issued_at, revoked_at and
// revocation_reason (its RFC 5280 name; both null unless revoked). The shape
// is docs/json.md's "certificate record".
nlohmann::json InventoryRecordJson(const InventoryRecord& record, TimePoint now);

// InventoryRecordsJson: an array of InventoryRecordJson, in order.
nlohmann::json InventoryRecordsJson(const std::vector<InventoryRecord>& records, TimePoint now);

// InventoryTableText: a header line (NAME STATUS NOT AFTER KEY SERIAL), one
// line per record, and the count ("3 certificates").
std::string InventoryTableText(const std::vector<InventoryRecord>& records);

// AlreadyRevokedError: kAlreadyExists "NAME (serial S) is already revoked",
// what revoking `record` again is.
Error AlreadyRevokedError(const InventoryRecord& record);

}  // namespace certmint
