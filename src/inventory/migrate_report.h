// What `certmint inventory migrate` reports about a migration (MigrateInventory).
#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "inventory/migrate.h"

namespace certmint {

// {"from", "to", "certificates", "tokens", "next_crl_number",
// "target_certificates", "target_tokens", "switched"}.
nlohmann::json MigrationJson(const MigrationReport& report);

// The counts copied and checked, and whether `dir` now uses PostgreSQL.
std::string MigrationText(const MigrationReport& report, const std::string& dir);

}  // namespace certmint
