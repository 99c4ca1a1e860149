// Inventory records as `certmint list` shows them: a table, or JSON. The
// JSON is a contract scripts (and a dashboard endpoint) rely on, so keys are
// only ever added.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "inventory/inventory.h"

namespace certmint {

// InventoryRecordJson: name, serial, status, subject, sans, not_before,
// not_after, key_type, sha256_fingerprint, issued_at; for a revoked
// certificate also revoked_at and revocation_reason (its RFC 5280 name).
nlohmann::json InventoryRecordJson(const InventoryRecord& record);

// InventoryRecordsJson: an array of InventoryRecordJson, in order.
nlohmann::json InventoryRecordsJson(const std::vector<InventoryRecord>& records);

// InventoryTableText: a header line (NAME STATUS NOT AFTER KEY SERIAL), one
// line per record, and the count ("3 certificates").
std::string InventoryTableText(const std::vector<InventoryRecord>& records);

}  // namespace certmint
