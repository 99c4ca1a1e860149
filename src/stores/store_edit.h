// Editing a store file in place (certmint keystore ...): read it, change its
// entries, write it back atomically in its own format and protection, the
// original untouched on any error.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "core/error.h"
#include "core/secret.h"
#include "keys/private_key.h"
#include "stores/keystore.h"
#include "stores/store_io.h"
#include "x509/certificate.h"

namespace certmint {

struct StoreEditOptions {
  // A missing file starts empty, in `type` (else the format its name implies).
  bool create = false;
  std::optional<StoreFormat> type;
  // Override how the store is written back (else as it was: PKCS#12 profile,
  // passwordless truststore, PEM key profile; modern for a new store).
  std::optional<Pkcs12Profile> pkcs12_profile;
  std::optional<PemProfile> pem_profile;
  // Write it back under this password instead (passwd).
  const SecretString* new_password = nullptr;
};

// Changes the store's entries; gets the store password (a key's password
// defaults to it).
using StoreEdit = std::function<Status(KeyStore& store, const SecretString& password)>;

// Loads `path` with `password`, applies `edit` (its errors name the file)
// and saves it. JCEKS is read but never written: kInvalidArgument.
Status EditStoreFile(const std::string& path, const SecretString& password,
                     const StoreEditOptions& options, const StoreEdit& edit);

// A certificate file, PEM or DER; errors name the file.
Result<Certificate> LoadCertificateFile(const std::string& path);
// A PEM certificate chain, leaf first; errors name the file.
Result<std::vector<Certificate>> LoadChainFile(const std::string& path);
// A PEM private key (encrypted with `password` when it is); the file's
// contents are wiped once read. Errors name the file. An EC key with explicit
// curve parameters is refused (CheckNamedCurve): keys read here go into
// stores, which Java must be able to read.
Result<PrivateKey> LoadPrivateKeyFile(const std::string& path, const SecretString* password);

}  // namespace certmint
