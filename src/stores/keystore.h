// A key store's contents, independent of its file format: private-key
// entries with their chains, and trusted-certificate entries. The formats
// (JKS, JCEKS, PKCS#12, PEM) read into and write from this model.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/encoding.h"
#include "core/error.h"
#include "core/secret.h"
#include "keys/private_key.h"
#include "x509/certificate.h"

namespace certmint {

struct KeyEntry {
  std::string alias;
  PrivateKey key;
  // The key's own certificate first, then its issuers up to the root.
  std::vector<Certificate> chain;
  TimePoint created{};
};

struct TrustedEntry {
  std::string alias;
  Certificate certificate;
  TimePoint created{};
};

struct KeyStore {
  std::vector<KeyEntry> keys;
  std::vector<TrustedEntry> trusted;
  // Certificates a PKCS#12 file holds that belong to no key and carry no
  // trust attribute: Java ignores them (an openssl-made truststore looks
  // empty to Java for this reason). Kept so that `inspect` can say so.
  std::vector<Certificate> loose_certificates;
  // Entries that could be listed but not read (JCEKS secret keys).
  std::vector<std::string> unsupported_entries;
  // True when no password was given and the store's integrity was not
  // checked (a passwordless PKCS#12 truststore, or a JKS read without one).
  bool integrity_unchecked = false;

  size_t size() const { return keys.size() + trusted.size(); }
  // Whether an entry (of either kind) has `alias`, compared as Java does:
  // case-insensitively.
  bool HasAlias(std::string_view alias) const;
};

// The CA's alias in every truststore and keystore, as in the seed's recipe.
inline constexpr const char* kCaAlias = "caroot";

// Lower-cases an alias, as JKS and Java's PKCS#12 store look them up.
std::string NormalizeAlias(std::string_view alias);
// An alias must be non-empty, at most 128 characters, printable, no NUL.
Status ValidateAlias(std::string_view alias);
// Every alias of `store` is valid and none is used twice (compared as Java
// does, case-insensitively): Java keeps one entry per alias, so a key entry
// sharing the CA's alias would vanish from the keystore. What the store
// writers check before writing anything.
Status CheckAliases(const KeyStore& store);
// Every EC key of `store`, private keys and certificates alike, names its
// curve (CheckNamedCurve): Java cannot read explicit curve parameters, and
// RFC 5480 forbids them. kInvalidData naming the entry otherwise. What
// convert checks on the store it reads and every store writer before
// writing.
Status CheckNamedCurves(const KeyStore& store);

// Store passwords must be at least this long: keytool refuses shorter ones.
inline constexpr size_t kMinStorePasswordLength = 6;
// Whether a password chosen for new stores will work everywhere they go:
// at least kMinStorePasswordLength characters (keytool); printable ASCII only
// (Java refuses other characters in the password-based encryption of PKCS#12
// stores: "Password is not ASCII"); no space at either end (Kafka trims its
// configuration values, librdkafka's property readers trim lines); no
// backslash before '=' or ':' (kcat -F drops it, and its format has no
// escape to keep it). The error gives the cause, never the password.
Status CheckNewStorePassword(std::string_view password);

// kPemPlain is written, never detected: a PEM keystore whose key is not
// encrypted ("pem-plain"), for peers that take no passphrase (Mosquitto,
// Redis, HAProxy, Envoy). Read back, it is kPem.
enum class StoreFormat { kJks, kJceks, kPkcs12, kPem, kPemPlain };
std::string_view StoreFormatName(StoreFormat format);
// "jks", "p12"/"pkcs12", "pem", "pem-plain" (kInvalidArgument otherwise).
Result<StoreFormat> ParseStoreFormat(std::string_view text);
// From the first bytes: FEEDFEED is JKS, CECECECE is JCEKS, "-----BEGIN" is
// PEM, a DER SEQUENCE holding version 3 is PKCS#12. nullopt if none.
std::optional<StoreFormat> DetectStoreFormat(std::string_view data);

// Builds a chain for `leaf` from `pool` by following issuer names and
// signatures, leaf first; stops at a self-signed certificate or when no
// issuer is found.
std::vector<Certificate> BuildChain(const Certificate& leaf, const std::vector<Certificate>& pool);

}  // namespace certmint
