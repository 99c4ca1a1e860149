#include "stores/store_passwords.h"

#include "core/secret_source.h"

namespace certmint {
namespace {

SecretSource FromPasswordFile(const std::string& password_file, std::string prompt = "") {
  return {password_file, kStorePasswordEnv, std::move(prompt), false, "--password-file"};
}

}  // namespace

Result<std::optional<SecretString>> ExplicitPassword(const std::string& password_file) {
  return ReadSecret(FromPasswordFile(password_file));
}

Result<std::optional<SecretString>> ExplicitNewPassword(const std::string& password_file) {
  return ReadNewStorePassword(FromPasswordFile(password_file));
}

Result<StorePassword> NewIdentityStorePassword(const std::string& password_file) {
  return NewStorePassword(FromPasswordFile(password_file));
}

Result<SecretString> ReadStorePassword(const std::string& password_file) {
  return ReadRequiredSecret(FromPasswordFile(password_file, "Store password"), "store password");
}

Result<SecretString> ReadChangedStorePassword(const std::string& new_password_file) {
  const SecretSource source{new_password_file, kNewPasswordEnv, "New store password", true,
                            "--new-password-file"};
  return RequireSecret(ReadNewStorePassword(source), source, "new password");
}

Result<std::optional<SecretString>> ReadConvertedStorePassword(
    const std::string& out_password_file) {
  return ReadNewStorePassword(
      {out_password_file, kNewPasswordEnv, "", false, "--out-password-file"});
}

}  // namespace certmint
