// `certmint keystore install`: a node's stores from the key `certmint csr`
// made and the chain `certmint sign` returned, with the rules for which
// password protects what.
#pragma once

#include <functional>
#include <optional>
#include <string>

#include "core/error.h"
#include "core/secret.h"
#include "identity/files.h"

namespace certmint {

// KeyPasswordFileFor: `given` when not empty; else the `password` file
// beside `key_file` (where certmint csr writes a generated one) when it
// exists; else empty.
std::string KeyPasswordFileFor(const std::string& key_file, const std::string& given);

// Reads an optional secret (core/secret_source.h's ReadSecret, typically).
using OptionalSecretSource = std::function<Result<std::optional<SecretString>>()>;

struct InstallFilesRequest {
  std::string key_file;    // PEM private key, encrypted or not
  std::string chain_file;  // PEM chain, leaf first
  std::string ca_file;     // a CA certificate appended to the chain; empty: none
  std::string out_dir = ".";
  std::string name;                     // empty: the certificate's CN
  std::string formats = "pem,p12,jks";  // ParseFormatList's text
  OptionalSecretSource key_password;    // nullopt: the key is not encrypted
  OptionalSecretSource store_password;  // nullopt: the key's password
};

struct InstalledFiles {
  IdentityFiles files;
  size_t chain_length = 0;  // with the CA of ca_file
};

// InstallFromFiles loads the chain (errors in context "--chain"), the CA
// ("--ca"), then the key with the key password ("--key"), and installs them
// (identity/install.h's InstallIdentity) under out_dir. The stores get the
// store password; without one the key's, which is then also written to the
// identity's `password` file. kInvalidArgument when there is neither.
Result<InstalledFiles> InstallFromFiles(const InstallFilesRequest& request);

}  // namespace certmint
