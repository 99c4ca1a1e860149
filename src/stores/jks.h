// Java's own key store formats, read and written without a JVM.
//
// JKS (magic FEEDFEED) and JCEKS (magic CECECECE), as OpenJDK's
// sun.security.provider.JavaKeyStore lays them out (big-endian):
//   u32 magic | u32 version (2) | u32 count | entries | 20-byte trailer
//   private key entry:  u32 1 | UTF alias | i64 created ms | u32 len + EncryptedPrivateKeyInfo
//                       | u32 chain length | per cert: UTF "X.509" | u32 len + DER
//   trusted cert entry: u32 2 | UTF alias | i64 created ms | UTF "X.509" | u32 len + DER
//   trailer: SHA-1( UTF-16BE(password) || "Mighty Aphrodite" || every byte before )
// JKS protects keys with Sun's KeyProtector (OID 1.3.6.1.4.1.42.2.17.1.1, a
// SHA-1 keystream); JCEKS with PBEWithMD5AndTripleDES (OID
// 1.3.6.1.4.1.42.2.19.1). certmint writes JKS and reads both.
#pragma once

#include <string>
#include <string_view>

#include "core/error.h"
#include "core/secret.h"
#include "stores/keystore.h"

namespace certmint {

// Writes a JKS store; every private key is protected with the store
// password (what Kafka's ssl.key.password defaults to). Aliases are written
// lower-cased: JKS looks them up that way.
Result<std::string> WriteJks(const KeyStore& store, const SecretString& password, TimePoint now);

// Reads a JKS or JCEKS store. With a password, the integrity trailer is
// checked first (kBadPassword: "integrity check failed: wrong password or
// corrupted file") and keys are opened with `key_password` (the store
// password when null). Without one, trusted entries are read with the
// integrity left unchecked, and a store holding keys is refused.
Result<KeyStore> ReadJavaKeyStore(std::string_view data, const SecretString* password,
                                  const SecretString* key_password = nullptr);

// UTF-16BE of a UTF-8 string, as Java's char[] passwords are hashed, in a
// buffer that wipes itself. kInvalidData for bytes that are not UTF-8.
Result<SecretBytes> PasswordUtf16Be(std::string_view utf8);

}  // namespace certmint
