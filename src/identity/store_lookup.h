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

// LoadKeystoreAt and LoadTruststoreAt for an optional path: nullopt when
// `path` is empty.
Result<std::optional<NamedStore>> LoadKeystoreIfGiven(
    const std::string& path, const std::optional<SecretString>& explicit_password);
Result<std::optional<NamedStore>> LoadTruststoreIfGiven(
    const std::string& path, const std::optional<SecretString>& explicit_password);

// The stores of a handshake between two identities (certmint handshake).
struct HandshakeStores {
  NamedStore server;
  std::optional<NamedStore> client;  // none: a client without a certificate
  NamedStore server_trust;
  NamedStore client_trust;
};

// LoadHandshakeStores reads each side's keystore (`client` empty: none) and
// the truststore both sides use, or, when `truststore` is empty, each side's
// own (the server's for a client without a keystore). Errors carry the
// context "--server", "--client" or "truststore".
Result<HandshakeStores> LoadHandshakeStores(const std::string& server, const std::string& client,
                                            const std::string& truststore,
                                            const std::optional<SecretString>& explicit_password);

}  // namespace certmint
