// Passwords for new stores: read from a SecretSource and refused unless
// CheckNewStorePassword accepts them, or made at random.
#pragma once

#include <optional>

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

}  // namespace certmint
