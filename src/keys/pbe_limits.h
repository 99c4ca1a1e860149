// Bounds on the key-derivation work a file from outside may demand. A
// password-based encryption names its KDF's cost in its AlgorithmIdentifier
// (RFC 8018 PBES1/PBES2, RFC 7292 appendix C); a hostile key or store can
// claim 2^31 iterations and keep a reader busy for minutes. Every such
// parameter is decoded with OpenSSL's ASN.1 templates and checked here before
// anything is derived from it.
#pragma once

#include <openssl/x509.h>

#include <cstdint>
#include <string_view>

#include "core/error.h"

namespace certmint {

// The most iterations one derivation may ask for: Java's limit for PKCS#12
// files (its keytool and KeyStore refuse more), about 1.2 s of
// PBKDF2-HMAC-SHA256 on the project's machine. certmint writes 10,000 (node
// stores) and 600,000 (CA keys). scrypt counts N * r * p.
inline constexpr int64_t kMaxKdfIterations = 5000000;
// The most iterations all derivations of one file (the MAC, the encrypted
// safes and the key bags of a PKCS#12 store; the keys of a JCEKS store) may
// ask for together: a store of many bags at the limit is refused as well.
inline constexpr int64_t kMaxKdfIterationsPerFile = 20000000;

// The iteration count (scrypt: N * r * p) that `algorithm` asks for: a PBES2
// AlgorithmIdentifier with PBKDF2 or scrypt, or a PBES1 / PKCS#12 PBE one
// (PBEParameter). kInvalidData when the parameters are malformed, the scheme
// or KDF is unknown, or the count is below 1 or above kMaxKdfIterations.
Result<int64_t> PbeIterations(const X509_ALGOR* algorithm);

// Derivation work left for one file. Spend before each derivation.
class KdfBudget {
 public:
  explicit KdfBudget(int64_t limit = kMaxKdfIterationsPerFile) : left_(limit), limit_(limit) {}

  // Counts `iterations` for one derivation of `what` ("the MAC"), refusing
  // (kInvalidData) a count below 1, above kMaxKdfIterations, or beyond what
  // is left.
  Status Spend(int64_t iterations, std::string_view what);
  // Spend(PbeIterations(algorithm), what).
  Status SpendFor(const X509_ALGOR* algorithm, std::string_view what);

 private:
  int64_t left_;
  int64_t limit_;
};

}  // namespace certmint
