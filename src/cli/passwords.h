// Which files, environment variables and prompts the CLI takes its secrets
// from (never argv). How they are read is core/secret_source.h; the checks
// on new store passwords, stores/new_password.h.
#pragma once

#include <CLI/CLI.hpp>
#include <optional>
#include <string>

#include "ca/unlock.h"
#include "core/error.h"
#include "core/secret.h"
#include "core/secret_source.h"
#include "stores/new_password.h"

namespace certmint::cli {

inline constexpr const char* kCaPasswordEnv = "CERTMINT_CA_PASSWORD";
inline constexpr const char* kStorePasswordEnv = "CERTMINT_PASSWORD";

// The store password given explicitly: --password-file, else
// $CERTMINT_PASSWORD; nullopt when neither is set.
Result<std::optional<SecretString>> ExplicitPassword(const std::string& password_file);

// The same for a password that will protect new stores: refused, naming its
// source, unless CheckNewStorePassword accepts it.
Result<std::optional<SecretString>> ExplicitNewPassword(const std::string& password_file);

// The CA key password from --ca-password-file, $CERTMINT_CA_PASSWORD or a
// prompt (twice for a new CA); kInvalidArgument naming the three when none.
Result<SecretString> ReadCaPassword(const std::string& file, bool is_new);
// The secret `read` found; kInvalidArgument saying `missing` when none.
Result<SecretString> Required(Result<std::optional<SecretString>> read, std::string_view missing);

// ReadCaPassword for an existing CA, when the library asks for it.
CaPasswordSource CaPasswordFrom(const std::string& file);

// Adds hidden --password, --ca-password, --storepass ... options that refuse
// to run, explaining where passwords come from instead. Call CheckArgvPasswordTraps
// after parsing.
void AddArgvPasswordTraps(CLI::App* app);
Status CheckArgvPasswordTraps(const CLI::App* app);

}  // namespace certmint::cli
