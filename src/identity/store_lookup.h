// Stores named by a path that is either a store file or an identity
// directory, and their passwords: the one given explicitly, else the
// `password` file certmint wrote beside the store (identity/files.h).
#pragma once

#include <optional>
#include <string>

#include "core/error.h"
#include "core/secret.h"
#include "stores/keystore.h"

namespace certmint {

// PasswordOfStore returns a copy of `explicit_password` when given, else
// the first line of the `password` file in `path` (an identity directory) or
// beside it (a store file); nullopt when there is none.
Result<std::optional<SecretString>> PasswordOfStore(
    const std::string& path, const std::optional<SecretString>& explicit_password);

struct NamedStore {
  std::string label;  // the file it came from
  KeyStore store;
};

// LoadKeystoreAt reads a keystore: a store file, or an identity directory
// (keystore.p12, then keystore.jks, then NAME.key + chain.pem; kNotFound
// when it has none), opened with PasswordOfStore.
Result<NamedStore> LoadKeystoreAt(const std::string& path,
                                  const std::optional<SecretString>& explicit_password);

// LoadTruststoreAt reads a truststore: a store file, or an identity
// directory (truststore.p12, then truststore.jks, then ca.crt; kNotFound
// when it has none), opened with PasswordOfStore.
Result<NamedStore> LoadTruststoreAt(const std::string& path,
                                    const std::optional<SecretString>& explicit_password);

}  // namespace certmint
