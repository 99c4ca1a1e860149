// Reading any supported store, and writing one in a chosen format.
#pragma once

#include <string>
#include <string_view>

#include "core/error.h"
#include "core/secret.h"
#include "stores/keystore.h"
#include "stores/pkcs12.h"

namespace certmint {

// Detects the format and reads the store.
Result<KeyStore> ReadStore(std::string_view data, const SecretString* password,
                           StoreFormat* detected = nullptr);

struct StoreWriteOptions {
  Pkcs12Options pkcs12;
  TimePoint now = std::chrono::system_clock::now();
};

// Writes `store` as `format`. PEM: a keystore when it has a key entry, a
// truststore otherwise.
Result<std::string> WriteStore(const KeyStore& store, StoreFormat format,
                               const SecretString& password, const StoreWriteOptions& options);

}  // namespace certmint
