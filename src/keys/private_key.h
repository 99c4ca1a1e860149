// A private key (RSA, EC or Ed25519) and its PKCS#8 encodings.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.h"
#include "core/ossl.h"
#include "core/secret.h"
#include "keys/key_spec.h"

namespace certmint {

// What a key is, for people and for profile decisions.
struct KeyDescription {
  std::string algorithm;  // "RSA", "EC", "Ed25519" (or OpenSSL's name for others)
  int bits = 0;
  std::string curve;  // EC: "P-256", "P-384", ...

  // "EC P-256", "RSA 2048", "Ed25519".
  std::string ToString() const;
};

// A key as --key-type spells it ("ec:p256", "rsa:2048", "ed25519"), from
// KeyDescription::ToString's text (what the inventory recorded): --json
// output names key types one way.
std::string KeyTypeSpelling(std::string_view description);

KeyDescription DescribePublicKey(const EVP_PKEY* key);
// SHA-256 of the DER SubjectPublicKeyInfo, lower-case hex with colons.
std::string PublicKeyFingerprint(const EVP_PKEY* key);
// RFC 5480 §2.1.1: an EC key in a certificate names its curve (namedCurve);
// specifiedCurve (explicit parameters) and implicitCurve "MUST NOT be used",
// and Java's keytool cannot parse a certificate that has them. kInvalidData
// for an EC key whose SubjectPublicKeyInfo does not name its curve; other
// keys pass.
Status CheckNamedCurve(const EVP_PKEY* key);

// How a PKCS#8 key is encrypted, with `iterations` rounds of its KDF.
struct Pkcs8Encryption {
  enum class Scheme {
    // PBES2 with PBKDF2-HMAC-SHA256 and AES-256-CBC (RFC 8018): OpenSSL,
    // librdkafka and most TLS stacks read it.
    kPbes2Aes256,
    // pbeWithSHAAnd3-KeyTripleDES-CBC (PKCS#12 appendix C), Java's
    // "PBEWithSHA1AndDESede": what Java's EncryptedPrivateKeyInfo can
    // decrypt by its algorithm name, as Kafka's PEM stores do (Java cannot
    // for PBES2, JDK-8231581).
    kPkcs12TripleDes,
  };
  int iterations = 600000;
  Scheme scheme = Scheme::kPbes2Aes256;
};

// Iterations for keys that guard a CA: OWASP's 2023 figure for
// PBKDF2-HMAC-SHA256.
inline constexpr int kCaKeyIterations = 600000;
// Iterations for node keys. Their store password protects the node's PKCS#12
// keystore too, which Java writes with 10,000 iterations; more on the PEM key
// alone would add cost without adding protection. The generated store
// passwords carry 190 bits, for which the count does not matter.
inline constexpr int kNodeKeyIterations = 10000;

// Whether an EncryptedPrivateKeyInfo's KDF cost is within
// kMaxKdfIterations (keys/pbe_limits.h): kInvalidData otherwise, or when its
// algorithm is malformed or unknown. Checked before it is decrypted.
Status CheckEncryptedPkcs8Cost(const X509_SIG* encrypted);

// The private-key block of a PEM text: the first block whose label ends in
// "PRIVATE KEY" with its BEGIN line at a line start, as OpenSSL's PEM reader
// splits the text. The block PrivateKey::FromPem reads, and nothing else.
struct PemKeyInfo {
  std::string label;       // "ENCRYPTED PRIVATE KEY", "PRIVATE KEY", "EC PRIVATE KEY", ...
  bool encrypted = false;  // PKCS#8 encryption, or legacy "Proc-Type: 4,ENCRYPTED"
  int pbe_nid = 0;         // ENCRYPTED PRIVATE KEY: its scheme (NID_pbes2, ...); 0 otherwise
};
std::optional<PemKeyInfo> FindPemPrivateKey(std::string_view pem);

class PrivateKey {
 public:
  // A new key from OpenSSL's private DRBG: EC and Ed25519 by OpenSSL's key
  // generation, RSA by GenerateRsaKey (keys/rsa_keygen.h).
  static Result<PrivateKey> Generate(const KeySpec& spec);

  // Reads the private-key block of a PEM text (FindPemPrivateKey): PKCS#8
  // ("PRIVATE KEY"), encrypted PKCS#8 ("ENCRYPTED PRIVATE KEY", needs
  // `password`), or a traditional RSA/EC key (legacy PEM encryption too).
  // The block is read once: the EncryptedPrivateKeyInfo whose KDF cost is
  // checked is the one decrypted. kBadPassword when the password is missing
  // or wrong; kInvalidData, before any key is derived, when the encryption
  // asks for more KDF work than kMaxKdfIterations.
  static Result<PrivateKey> FromPem(std::string_view pem, const SecretString* password);
  // Takes ownership of an OpenSSL key.
  static PrivateKey FromNative(ossl::EvpPkeyPtr key) { return PrivateKey(std::move(key)); }
  // Reads an unencrypted DER PKCS#8 PrivateKeyInfo.
  static Result<PrivateKey> FromPkcs8Der(std::string_view der);

  // Copies share the key (EVP_PKEY_up_ref); keys are immutable once made.
  PrivateKey(const PrivateKey& other);
  PrivateKey& operator=(const PrivateKey& other);
  PrivateKey(PrivateKey&&) noexcept = default;
  PrivateKey& operator=(PrivateKey&&) noexcept = default;

  // Encrypted PKCS#8 PEM ("BEGIN ENCRYPTED PRIVATE KEY").
  Result<std::string> ToEncryptedPkcs8Pem(const SecretString& password,
                                          const Pkcs8Encryption& enc) const;
  // Unencrypted PKCS#8 PEM ("BEGIN PRIVATE KEY"): a secret the caller must
  // wipe (Cleanse) when done with it.
  Result<std::string> ToPkcs8Pem() const;
  // Unencrypted PKCS#8 DER, wiped when the SecretBytes goes.
  Result<SecretBytes> ToPkcs8Der() const;

  KeyDescription Describe() const { return DescribePublicKey(key_.get()); }
  KeySpec Spec() const;

  // The library's handle; owned by this object.
  EVP_PKEY* native() const { return key_.get(); }

 private:
  explicit PrivateKey(ossl::EvpPkeyPtr key) : key_(std::move(key)) {}
  ossl::EvpPkeyPtr key_;
};

}  // namespace certmint
