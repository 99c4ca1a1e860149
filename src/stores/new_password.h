// Passwords for new stores: read from a SecretSource and refused unless
// CheckNewStorePassword accepts them, or made at random.
#pragma once

#include <optional>
#include <string>

#include "core/error.h"
#include "core/secret.h"
#include "core/secret_source.h"

namespace certmint {

// ReadNewStorePassword is ReadSecret for a password that will protect new
// stores: one that CheckNewStorePassword refuses is an error whose context
// names where it came from (SecretOrigin). nullopt when no source has one.
Result<std::optional<SecretString>> ReadNewStorePassword(const SecretSource& source);

struct StorePassword {
  SecretString password;
  bool generated = false;  // random: to be kept in the identity's password file
};

// NewStorePassword is the password ReadNewStorePassword finds, else a random
// one (RandomPassword) marked `generated`.
Result<StorePassword> NewStorePassword(const SecretSource& source);

// What a renewal is told about its stores' new password: at most one of a
// file (--new-password-file), an environment variable (--new-password-env)
// and a random one (--new-random-password).
struct NewPasswordFlags {
  std::string file;
  std::string env;
  bool random = false;
};

// ReadRenewalPassword: kInvalidArgument when more than one of `flags` is
// given, or the variable is unset or empty; else the password of the file
// or the variable (ReadNewStorePassword), nullopt with neither (none, or
// random: the renewal makes that one).
Result<std::optional<SecretString>> ReadRenewalPassword(const NewPasswordFlags& flags);

}  // namespace certmint
