// Where a CA directory's inventory lives, and opening it there.
#include <fmt/format.h>
#include <libpq-fe.h>

#include <cstdlib>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>

#include "core/encoding.h"
#include "core/fs.h"
#include "inventory/inventory.h"

namespace certmint {
namespace {

constexpr size_t kMaxSettingsBytes = 16 * 1024;
constexpr size_t kMaxUriLength = 1000;

std::mutex override_mu;
std::optional<std::string> location_override;

using ConninfoPtr =
    std::unique_ptr<PQconninfoOption, decltype([](PQconninfoOption* o) { PQconninfoFree(o); })>;

// The override (--inventory), else CERTMINT_INVENTORY, else none.
std::optional<std::string> ProcessLocation() {
  {
    std::lock_guard<std::mutex> lock(override_mu);
    if (location_override) {
      return location_override;
    }
  }
  const char* env = std::getenv("CERTMINT_INVENTORY");
  if (env != nullptr && *env != '\0') {
    return std::string(env);
  }
  return std::nullopt;
}

Result<std::string> ReadSettings(const std::string& pki_dir) {
  const std::string path = InventorySettingsPath(pki_dir);
  if (!fs::Exists(path)) {
    return std::string();
  }
  CM_ASSIGN_OR_RETURN(auto text, fs::ReadFile(path, kMaxSettingsBytes));
  const auto json = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (json.is_discarded() || !json.is_object() || !json.contains("url") ||
      !json["url"].is_string() || json.size() != 1) {
    return MakeError(ErrorCode::kInvalidData,
                     fmt::format("{}: expected {{\"url\": \"postgresql://...\"}}", path));
  }
  return WithContext(CheckPostgresUri(json["url"].get<std::string>()), path);
}

}  // namespace

std::string InventorySettingsPath(const std::string& pki_dir) {
  return pki_dir + "/inventory.json";
}

void SetInventoryOverride(std::string location) {
  std::lock_guard<std::mutex> lock(override_mu);
  location_override = std::move(location);
}

Result<std::string> CheckPostgresUri(std::string_view uri) {
  const auto bad = [&](std::string_view why) {
    return MakeError(ErrorCode::kInvalidArgument,
                     fmt::format("inventory '{}': {}", PrintableBytes(uri, 120), why));
  };
  if (uri.size() > kMaxUriLength) {
    return bad(fmt::format("longer than {} characters", kMaxUriLength));
  }
  if (!uri.starts_with("postgresql://") && !uri.starts_with("postgres://")) {
    return bad("expected postgresql://[USER@]HOST[:PORT]/DATABASE[?PARAMS]");
  }
  char* err = nullptr;
  const std::string text(uri);
  ConninfoPtr options(PQconninfoParse(text.c_str(), &err));
  if (!options) {
    std::string why = err != nullptr ? err : "cannot be parsed";
    PQfreemem(err);
    while (!why.empty() && why.back() == '\n') {
      why.pop_back();
    }
    return bad(PrintableBytes(why, 200));
  }
  for (const PQconninfoOption* o = options.get(); o->keyword != nullptr; ++o) {
    if (std::string_view(o->keyword) == "password" && o->val != nullptr) {
      // Not echoed: the text holds a password.
      return MakeError(ErrorCode::kInvalidArgument,
                       "the inventory's connection string carries a password: remove it and "
                       "give it through PGPASSFILE (~/.pgpass), PGPASSWORD or a service file "
                       "(PGSERVICEFILE), so that it is on no command line and in no CA "
                       "directory");
    }
  }
  return text;
}

Result<std::string> InventoryLocation(const std::string& pki_dir) {
  if (auto location = ProcessLocation()) {
    if (location->empty()) {
      return std::string();
    }
    return WithContext(CheckPostgresUri(*location), "--inventory");
  }
  return ReadSettings(pki_dir);
}

bool HasInventory(const std::string& pki_dir) {
  auto location = InventoryLocation(pki_dir);
  // A broken setting is reported by the open that follows.
  return !location || !location->empty() || fs::Exists(InventoryPath(pki_dir));
}

Status SaveInventoryLocation(const std::string& pki_dir, const std::string& uri) {
  const std::string path = InventorySettingsPath(pki_dir);
  if (uri.empty()) {
    fs::RemoveAll(path);
    return {};
  }
  CM_ASSIGN_OR_RETURN(auto checked, CheckPostgresUri(uri));
  const nlohmann::json j{{"url", checked}};
  return fs::WriteFileAtomic(path, j.dump(2) + "\n", 0644);
}

Result<InventoryDump> Inventory::Dump() {
  return MakeError(ErrorCode::kInvalidArgument, "this inventory cannot be copied");
}

Status Inventory::Import(const InventoryDump&) {
  return MakeError(ErrorCode::kInvalidArgument,
                   "an inventory can be copied into PostgreSQL only (inventory migrate --to "
                   "postgresql://...)");
}

Result<std::unique_ptr<Inventory>> OpenInventory(const std::string& pki_dir) {
  CM_ASSIGN_OR_RETURN(auto location, InventoryLocation(pki_dir));
  if (location.empty()) {
    return OpenSqliteInventory(pki_dir);
  }
  return OpenPostgresInventory(location);
}

Result<std::unique_ptr<Inventory>> OpenInventoryReadOnly(const std::string& pki_dir) {
  CM_ASSIGN_OR_RETURN(auto location, InventoryLocation(pki_dir));
  if (location.empty()) {
    return OpenSqliteInventoryReadOnly(pki_dir);
  }
  return OpenPostgresInventory(location, /*read_only=*/true);
}

}  // namespace certmint
