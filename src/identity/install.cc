#include "identity/install.h"

#include "ca/identity_name.h"
#include "identity/identity.h"

namespace certmint {

Result<IdentityFiles> InstallIdentity(const InstallRequest& request,
                                      const SecretString& store_password) {
  const auto& chain = request.chain;
  if (chain.size() < 2) {
    return MakeError(ErrorCode::kInvalidArgument,
                     "the chain holds no CA certificate: give --ca with the root");
  }
  if (!chain[0].MatchesKey(request.key)) {
    return MakeError(ErrorCode::kInvalidArgument,
                     "the first certificate of the chain does not belong to the key");
  }
  const std::string name =
      !request.name.empty() ? request.name : chain[0].Subject().CommonNameValue();
  CM_RETURN_IF_ERROR(ValidateNodeName(name));
  const Identity identity{name, request.key, chain[0],
                          std::vector<Certificate>(chain.begin() + 1, chain.end())};
  return WriteIdentity(request.out_dir, identity, store_password, request.output);
}

}  // namespace certmint
