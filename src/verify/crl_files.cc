#include "verify/crl_files.h"

#include <fmt/format.h>

#include "core/fs.h"

namespace certmint {

Result<std::vector<Crl>> LoadCrlFiles(const std::vector<std::string>& files) {
  std::vector<Crl> out;
  for (const auto& f : files) {
    CM_ASSIGN_OR_RETURN(auto data, WithContext(fs::ReadFile(f), "--crl"));
    CM_ASSIGN_OR_RETURN(auto crl, WithContext(Crl::Parse(data), "--crl " + f));
    out.push_back(std::move(crl));
  }
  return out;
}

Result<std::vector<InventoryRecord>> LoadInventoryRevocations(const std::string& pki_dir,
                                                              TimePoint now) {
  const std::string path = InventoryPath(pki_dir);
  if (!HasInventory(pki_dir)) {
    return MakeError(ErrorCode::kNotFound,
                     fmt::format("--dir {}: no inventory ({} does not exist); give the CA's "
                                 "directory, as to ca init and apply",
                                 pki_dir, path));
  }
  CM_ASSIGN_OR_RETURN(auto inventory, WithContext(OpenInventory(pki_dir), "--dir " + pki_dir));
  InventoryFilter revoked;
  revoked.revoked_only = true;
  return WithContext(inventory->List(revoked, now), "--dir " + pki_dir);
}

}  // namespace certmint
