// PEM files as key stores: what librdkafka and (with PemProfile::kJava) Kafka's
// PEM stores (KIP-651) read. A keystore is the private key as (encrypted)
// PKCS#8 followed by its certificate chain, leaf first; a truststore is the CA
// certificates.
#pragma once

#include <string>
#include <string_view>

#include "core/error.h"
#include "core/secret.h"
#include "stores/keystore.h"

namespace certmint {

// How the key of a PEM keystore is encrypted.
enum class PemProfile {
  // PBES2: PBKDF2-HMAC-SHA256, AES-256-CBC (OpenSSL, librdkafka, Go, Python).
  kModern,
  // PBEWithSHA1AndDESede, which Java's EncryptedPrivateKeyInfo decrypts by
  // name: Kafka's PEM stores (ssl.keystore.type=PEM) on Java 17, which fail
  // on PBES2 keys with "PBES2 SecretKeyFactory not available".
  kJava,
};

Result<PemProfile> ParsePemProfile(std::string_view text);
// The profile whose key encryption the PEM file's key has: kJava for a
// PKCS#12 or PKCS#5 v1 scheme, kModern otherwise (PBES2, no key, no
// encryption). The key is the block PrivateKey::FromPem reads
// (FindPemPrivateKey).
PemProfile PemProfileOf(std::string_view pem);

// The single key entry of `store` as PKCS#8 encrypted with `password` (Kafka
// rejects PKCS#1 keys) as `profile` says, followed by its chain.
// kInvalidArgument unless the store has exactly one key entry and no trusted
// entry outside its chain (a reader would take it for part of the chain).
Result<std::string> WritePemKeystore(const KeyStore& store, const SecretString& password,
                                     PemProfile profile = PemProfile::kModern);
// WritePemKeystore with the key unencrypted (PKCS#8 "PRIVATE KEY"): format
// pem-plain, for peers that take no passphrase. Whoever reads the file has
// the key; its file mode is all that protects it.
Result<std::string> WritePlainPemKeystore(const KeyStore& store);
// Whether the private key of `pem` (the block PrivateKey::FromPem reads) is
// not encrypted.
bool HasPlainPrivateKey(std::string_view pem);
// Every trusted certificate, concatenated.
Result<std::string> WritePemTruststore(const KeyStore& store);

// Reads keys and certificates from PEM. A key becomes a key entry whose
// chain is built from the certificates present (alias: the leaf's CN,
// lower-cased); every certificate outside that chain becomes a trusted
// entry (alias: its CN, lower-cased).
Result<KeyStore> ReadPemStore(std::string_view data, const SecretString* password);

}  // namespace certmint
