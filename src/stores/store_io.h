// Reading any supported store, and writing one in a chosen format.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "core/error.h"
#include "core/secret.h"
#include "stores/keystore.h"
#include "stores/pem_store.h"
#include "stores/pkcs12.h"

namespace certmint {

struct StoreWriteOptions {
  Pkcs12Options pkcs12;
  PemProfile pem = PemProfile::kModern;
  TimePoint now = std::chrono::system_clock::now();
};

// Detects the format and reads the store. `form`, when given, gets how the
// file is protected (PKCS#12 profile and passwordlessness, the PEM key's
// profile), so that an edit can write it back the same way.
Result<KeyStore> ReadStore(std::string_view data, const SecretString* password,
                           StoreFormat* detected = nullptr, StoreWriteOptions* form = nullptr);

// Writes `store` as `format`. PEM: a keystore when it has a key entry, a
// truststore otherwise.
Result<std::string> WriteStore(const KeyStore& store, StoreFormat format,
                               const SecretString& password, const StoreWriteOptions& options);

}  // namespace certmint

namespace certmint {

// The format a file name implies: .jks, .p12/.pfx/.pkcs12, .pem/.crt;
// kInvalidArgument otherwise.
Result<StoreFormat> FormatForPath(const std::string& path);

// Reads a store file, naming the file in any error.
Result<KeyStore> LoadStoreFile(const std::string& path, const SecretString* password,
                               StoreFormat* format = nullptr, StoreWriteOptions* form = nullptr);

// Writes a store file atomically: mode 0600 when it holds private keys, 0644
// for truststores.
Status SaveStoreFile(const std::string& path, const KeyStore& store, StoreFormat format,
                     const SecretString& password, const StoreWriteOptions& options);

// Entry edits, with Java's alias rules (case-insensitive, stored lower-case).
// kAlreadyExists when the alias is taken; kNotFound when deleting a missing one.
// `added` is the entry's creation date (JKS and Java's PKCS#12 keep one).
Status AddTrustedCertificate(KeyStore& store, std::string_view alias, const Certificate& cert,
                             TimePoint added);
// `chain` must start with the key's certificate (kInvalidArgument otherwise).
Status AddKeyEntry(KeyStore& store, std::string_view alias, const PrivateKey& key,
                   std::vector<Certificate> chain, TimePoint added);
Status DeleteEntry(KeyStore& store, std::string_view alias);

// Reads a store given as files (several PEM files, such as a key and its
// chain, are read as one store).
Result<KeyStore> LoadStoreFiles(const std::vector<std::string>& files,
                                const SecretString* password);

}  // namespace certmint
