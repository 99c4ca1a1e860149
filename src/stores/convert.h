// Converting a store file between JKS, PKCS#12 and PEM (`certmint convert`):
// which password protects the new file, and never overwriting one.
#pragma once

#include <functional>
#include <optional>
#include <string>

#include "core/error.h"
#include "core/secret.h"
#include "stores/keystore.h"
#include "stores/store_io.h"

namespace certmint {

struct ConvertPasswords {
  std::optional<SecretString> in;   // opens IN; none: IN is read without one
  std::optional<SecretString> out;  // protects OUT; none: IN's password
};

struct ConvertRequest {
  std::string in;
  std::string out;
  StoreFormat to = StoreFormat::kPkcs12;
  StoreWriteOptions options;
  // Called once OUT is known to be absent, before IN is read (a prompt may
  // come after the cheap checks). A password `out` must already have passed
  // CheckNewStorePassword.
  std::function<Result<ConvertPasswords>()> passwords;
};

// The password that protects OUT: `passwords.out`, else `passwords.in`
// (which must then pass CheckNewStorePassword: it protects a new file).
// Null only for a PEM truststore and pem-plain, which have no password; kInvalidArgument
// when every other store would have none.
Result<const SecretString*> ConvertOutputPassword(const ConvertPasswords& passwords, StoreFormat to,
                                                  const KeyStore& store);

// Reads IN and writes it to OUT (which must not exist: kAlreadyExists) as
// `to`. Returns what was written.
Result<KeyStore> ConvertStoreFile(const ConvertRequest& request);

}  // namespace certmint
