// Stores named on the command line as an identity directory or a file, and
// the password for each: --password-file / $CERTMINT_PASSWORD when given,
// else the `password` file certmint wrote beside the store.
#pragma once

#include <optional>
#include <string>

#include "core/error.h"
#include "core/secret.h"
#include "stores/keystore.h"
#include "x509/general_names.h"

namespace certmint::cli {

// --dns and --ip values, validated (errors name the flag).
Result<SubjectAltNames> ParseSanFlags(const std::vector<std::string>& dns,
                                      const std::vector<std::string>& ips);

// The password for a store at `path` (a file or an identity directory).
Result<std::optional<SecretString>> PasswordFor(const std::string& path,
                                                const std::optional<SecretString>& explicit_pw);

struct NamedStore {
  std::string label;  // the file it came from
  KeyStore store;
};

// A keystore: a store file, or an identity directory (keystore.p12, then
// keystore.jks, then NAME.key + chain.pem).
Result<NamedStore> LoadKeystoreArg(const std::string& arg,
                                   const std::optional<SecretString>& explicit_pw);
// A truststore: a store file, or an identity directory (truststore.p12, then
// truststore.jks, then ca.crt).
Result<NamedStore> LoadTruststoreArg(const std::string& arg,
                                     const std::optional<SecretString>& explicit_pw);

}  // namespace certmint::cli
