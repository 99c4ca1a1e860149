#include "inventory/migrate.h"

#include <fmt/format.h>

#include <set>

#include "core/fs.h"
#include "inventory/inventory.h"

namespace certmint {
namespace {

// Every row of `source` is in `target`, and the CRL number did not go back.
Status CheckCopy(const InventoryDump& source, const InventoryDump& target) {
  std::set<std::string> serials;
  for (const auto& c : target.certificates) {
    serials.insert(c.serial);
  }
  std::set<std::string> hashes;
  for (const auto& t : target.tokens) {
    hashes.insert(t.hash);
  }
  size_t missing_certs = 0;
  for (const auto& c : source.certificates) {
    missing_certs += serials.count(c.serial) == 0 ? 1 : 0;
  }
  size_t missing_tokens = 0;
  for (const auto& t : source.tokens) {
    missing_tokens += hashes.count(t.hash) == 0 ? 1 : 0;
  }
  if (missing_certs > 0 || missing_tokens > 0 || target.next_crl_number < source.next_crl_number) {
    return MakeError(
        ErrorCode::kInvalidData,
        fmt::format("the copy is incomplete: {} certificates and {} tokens missing, "
                    "next CRL number {} (SQLite's {})",
                    missing_certs, missing_tokens, target.next_crl_number, source.next_crl_number));
  }
  return {};
}

}  // namespace

Result<MigrationReport> MigrateInventory(const std::string& pki_dir, const std::string& to,
                                         bool switch_dir) {
  CM_ASSIGN_OR_RETURN(auto uri, CheckPostgresUri(to));
  MigrationReport report;
  report.from = InventoryPath(pki_dir);
  report.to = uri;
  if (!fs::Exists(report.from)) {
    return MakeError(ErrorCode::kNotFound,
                     fmt::format("{}: no SQLite inventory to copy", report.from));
  }
  CM_ASSIGN_OR_RETURN(auto source, OpenSqliteInventoryReadOnly(pki_dir));
  CM_ASSIGN_OR_RETURN(auto dump, WithContext(source->Dump(), "reading " + report.from));
  CM_ASSIGN_OR_RETURN(auto target, OpenPostgresInventory(uri));
  CM_RETURN_IF_ERROR(WithContext(target->Import(dump), "copying into " + uri));
  CM_ASSIGN_OR_RETURN(auto copied, WithContext(target->Dump(), "reading back " + uri));
  CM_RETURN_IF_ERROR(CheckCopy(dump, copied));
  report.certificates = dump.certificates.size();
  report.tokens = dump.tokens.size();
  report.next_crl_number = copied.next_crl_number;
  report.target_certificates = copied.certificates.size();
  report.target_tokens = copied.tokens.size();
  if (switch_dir) {
    CM_RETURN_IF_ERROR(SaveInventoryLocation(pki_dir, uri));
    report.switched = true;
  }
  return report;
}

}  // namespace certmint
