#include "stores/new_password.h"

#include "core/random.h"
#include "stores/keystore.h"

namespace certmint {

Result<std::optional<SecretString>> ReadNewStorePassword(const SecretSource& source) {
  CM_ASSIGN_OR_RETURN(auto pw, ReadSecret(source));
  if (pw) {
    CM_RETURN_IF_ERROR(WithContext(CheckNewStorePassword(pw->reveal()), SecretOrigin(source)));
  }
  return pw;
}

Result<StorePassword> NewStorePassword(const SecretSource& source) {
  CM_ASSIGN_OR_RETURN(auto given, ReadNewStorePassword(source));
  if (!given) {
    CM_ASSIGN_OR_RETURN(auto random, RandomPassword());
    return StorePassword{std::move(random), true};
  }
  return StorePassword{std::move(*given), false};
}

}  // namespace certmint
