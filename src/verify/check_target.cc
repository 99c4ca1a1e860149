#include "verify/check_target.h"

#include <fmt/format.h>

#include "core/fs.h"
#include "identity/files.h"

namespace certmint {

Result<IdentityCheckTarget> CheckTargetFor(const std::string& dir, const std::string& keystore,
                                           const std::string& truststore) {
  if (dir.empty() == (keystore.empty() || truststore.empty())) {
    return MakeError(ErrorCode::kInvalidArgument,
                     "give an identity directory, or both --keystore and --truststore");
  }
  if (dir.empty()) {
    return IdentityCheckTarget{fs::Basename(keystore), "", {{{keystore}, truststore}}};
  }
  IdentityCheckTarget target{fs::Basename(fs::Absolute(dir)), dir, {}};
  for (auto& found : FindIdentityStores(dir)) {
    target.pairs.push_back({std::move(found.keystore_files), std::move(found.truststore_file)});
  }
  if (target.pairs.empty()) {
    return MakeError(ErrorCode::kNotFound,
                     fmt::format("{}: no keystore and truststore pair found", dir));
  }
  return target;
}

}  // namespace certmint
