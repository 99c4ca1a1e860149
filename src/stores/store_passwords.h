// Where a store's password comes from, never argv: --password-file, else
// $CERTMINT_PASSWORD (a new password: --new-password-file, else
// $CERTMINT_NEW_PASSWORD), else where it applies a prompt. The commands and
// the service share this policy; how a secret is read is
// core/secret_source.h, the checks on new passwords stores/new_password.h.
#pragma once

#include <optional>
#include <string>

#include "core/error.h"
#include "core/secret.h"
#include "stores/new_password.h"

namespace certmint {

inline constexpr const char* kStorePasswordEnv = "CERTMINT_PASSWORD";
inline constexpr const char* kNewPasswordEnv = "CERTMINT_NEW_PASSWORD";

// The store password given explicitly: `password_file`, else
// $CERTMINT_PASSWORD; nullopt when neither is set.
Result<std::optional<SecretString>> ExplicitPassword(const std::string& password_file);

// The same for a password that will protect new stores: refused, naming its
// source, unless CheckNewStorePassword accepts it.
Result<std::optional<SecretString>> ExplicitNewPassword(const std::string& password_file);

// A new identity's store password: `password_file`, else $CERTMINT_PASSWORD,
// else a random one (generated: goes to OUT/NAME/password).
Result<StorePassword> NewIdentityStorePassword(const std::string& password_file);

// The password of a store to open and rewrite: `password_file`, else
// $CERTMINT_PASSWORD, else a prompt; kInvalidArgument when none has it.
Result<SecretString> ReadStorePassword(const std::string& password_file);

// A store's new password (`keystore passwd`): `new_password_file`, else
// $CERTMINT_NEW_PASSWORD, else a prompt asked twice; refused unless
// CheckNewStorePassword accepts it.
Result<SecretString> ReadChangedStorePassword(const std::string& new_password_file);

// The password of a store written from another (`convert`):
// `out_password_file`, else $CERTMINT_NEW_PASSWORD, checked as a new one;
// nullopt when neither is set.
Result<std::optional<SecretString>> ReadConvertedStorePassword(
    const std::string& out_password_file);

}  // namespace certmint
