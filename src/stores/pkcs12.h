// PKCS#12 (RFC 7292) key stores and truststores as Java, Kafka, librdkafka
// and OpenSSL read them.
//
// What Java needs, beyond the RFC (see docs/stores.md):
//  - a trusted certificate is a cert bag carrying Oracle's trusted-key-usage
//    attribute (OID 2.16.840.1.113894.746875.1.1 = { anyExtendedKeyUsage });
//    without it Java ignores the certificate. It goes on CA bags only: on the
//    bag of a key's own certificate it breaks the key entry.
//  - friendlyName (a BMPString) is the alias; localKeyId links a key bag to
//    its certificate bag.
#pragma once

#include <string>
#include <string_view>

#include "core/error.h"
#include "core/secret.h"
#include "stores/keystore.h"

namespace certmint {

enum class Pkcs12Profile {
  // PBES2 (PBKDF2-HMAC-SHA256, AES-256-CBC) for keys and certificates,
  // HMAC-SHA256 MAC, 10,000 iterations: what Java 17 writes, and what Java
  // 8u301+, 11.0.12+, 17 and 21 read.
  kModern,
  // PBEWithSHA1AndDESede for keys and certificates, HMAC-SHA1 MAC: for Java
  // older than 8u301 / 11.0.12, which cannot verify a SHA-256 MAC.
  kLegacy,
};

Result<Pkcs12Profile> ParsePkcs12Profile(std::string_view text);
// "modern" or "legacy", as ParsePkcs12Profile reads it.
std::string_view Pkcs12ProfileName(Pkcs12Profile profile);

inline constexpr int kPkcs12Iterations = 10000;

struct Pkcs12Options {
  Pkcs12Profile profile = Pkcs12Profile::kModern;
  // For truststores only: leave the certificates unencrypted and write no
  // MAC, so that Kafka can load the truststore with no
  // ssl.truststore.password (Java skips encrypted safes when it has no
  // password, and the truststore would look empty). Anyone can then read the
  // (public) certificates, and nothing detects tampering with the file: its
  // integrity rests on the file's permissions alone.
  bool passwordless = false;
};

// How a PKCS#12 file is protected, as certmint's options would write it: no
// MAC is passwordless, a SHA-1 MAC the legacy profile, any other modern.
// A file that does not parse reads as the defaults.
Pkcs12Options Pkcs12FormOf(std::string_view der);

Result<std::string> WritePkcs12(const KeyStore& store, const SecretString& password,
                                const Pkcs12Options& options);

// Reads a PKCS#12 file. With a password the MAC is verified first
// (kBadPassword: "integrity check failed: wrong password or corrupted
// file"). Without one, only unencrypted parts are read and
// integrity_unchecked is set. The iteration counts of the MAC, of every
// encrypted safe and of every shrouded key bag are read before each is used
// and refused (kInvalidData) above kMaxKdfIterations, or when together they
// pass kMaxKdfIterationsPerFile (keys/pbe_limits.h): no key is derived for
// a refused count.
Result<KeyStore> ReadPkcs12(std::string_view data, const SecretString* password);

}  // namespace certmint
