// Where the CLI gets secrets from. Never argv: a file, an environment
// variable, or a no-echo prompt on the terminal, in that order.
#pragma once

#include <optional>
#include <string>

#include <CLI/CLI.hpp>

#include "core/error.h"
#include "core/secret.h"

namespace certmint::cli {

inline constexpr const char* kCaPasswordEnv = "CERTMINT_CA_PASSWORD";
inline constexpr const char* kStorePasswordEnv = "CERTMINT_PASSWORD";

struct SecretSource {
  std::string file;  // from a --*-password-file flag; empty when not given
  const char* env = nullptr;
  std::string prompt;     // empty: never prompt
  bool confirm = false;   // prompt twice (for new passwords)
  std::string flag_name;  // for messages: "--ca-password-file"
};

// The secret from the first source that has one, or nullopt if none does.
// A given file that is missing, unreadable or empty is an error naming it.
Result<std::optional<SecretString>> ReadSecret(const SecretSource& source);

// ReadSecret for a password that will protect new stores: one that
// CheckNewStorePassword refuses is an error naming where it came from.
Result<std::optional<SecretString>> ReadNewStorePassword(const SecretSource& source);

// The store password given explicitly: --password-file, else
// $CERTMINT_PASSWORD; nullopt when neither is set.
Result<std::optional<SecretString>> ExplicitPassword(const std::string& password_file);

// The same for a password that will protect new stores: refused, naming its
// source, unless CheckNewStorePassword accepts it.
Result<std::optional<SecretString>> ExplicitNewPassword(const std::string& password_file);

// The CA key password from --ca-password-file, $CERTMINT_CA_PASSWORD or a
// prompt (twice for a new CA); kInvalidArgument naming the three when none.
Result<SecretString> ReadCaPassword(const std::string& file, bool is_new);

// Adds hidden --password, --ca-password, --storepass ... options that refuse
// to run, explaining where passwords come from instead. Call CheckArgvPasswordTraps
// after parsing.
void AddArgvPasswordTraps(CLI::App* app);
Status CheckArgvPasswordTraps(const CLI::App* app);

}  // namespace certmint::cli
