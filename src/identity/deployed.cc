#include "identity/deployed.h"

#include "identity/state.h"

namespace certmint {

std::vector<DeployedCertificate> DeployedCertificates(const std::string& out_dir) {
  std::vector<DeployedCertificate> deployed;
  for (const auto& name : ListIdentities(out_dir)) {
    auto state = ReadIdentityState(out_dir, name);
    if (state && *state) {
      deployed.push_back({name, (*state)->certificate});
    }
  }
  return deployed;
}

}  // namespace certmint
