// Stores named on the command line as an identity directory or a file, and
// the password for each: --password-file / $CERTMINT_PASSWORD when given,
// else the `password` file certmint wrote beside the store
// (identity/store_lookup.h).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "core/error.h"
#include "core/secret.h"
#include "identity/store_lookup.h"
#include "x509/general_names.h"

namespace certmint::cli {

// --dns and --ip values, validated (errors name the flag).
Result<SubjectAltNames> ParseSanFlags(const std::vector<std::string>& dns,
                                      const std::vector<std::string>& ips);

// The names the commands know identity/store_lookup.h's functions by: the
// password for a store at a path (a file or an identity directory), and a
// keystore or truststore given as a store file or an identity directory.
inline constexpr auto& PasswordFor = PasswordOfStore;
inline constexpr auto& LoadKeystoreArg = LoadKeystoreAt;
inline constexpr auto& LoadTruststoreArg = LoadTruststoreAt;

}  // namespace certmint::cli
