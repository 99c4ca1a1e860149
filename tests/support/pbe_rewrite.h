// Forging the KDF cost of encrypted keys and PKCS#12 files for tests: the
// iteration count in an AlgorithmIdentifier is rewritten in place, without
// deriving anything (the ciphertext no longer decrypts, which does not
// matter: a reader must refuse the count before it tries).
#pragma once

#include <gtest/gtest.h>
#include <openssl/x509.h>

#include <cstdint>
#include <string>

#include "core/error.h"

namespace certmint::testing {

// Sets the iteration count of a PBES2/PBKDF2 or PBEParameter algorithm.
void SetPbeIterations(X509_ALGOR* alg, int64_t iterations);

// An "ENCRYPTED PRIVATE KEY" PEM with its iteration count set to `iterations`.
std::string EncryptedPkcs8WithIterations(const std::string& pem, int64_t iterations);

// What to rewrite in a PKCS#12 file; 0 leaves a count as it is. The MAC is
// recomputed with `password` and 2048 iterations, then its count is set to
// `mac` (when not 0) without recomputing.
struct Pkcs12Counts {
  int64_t shrouded_keys = 0;
  int64_t encrypted_safes = 0;
  int64_t mac = 0;
};
std::string Pkcs12WithIterations(const std::string& der, const char* password,
                                 const Pkcs12Counts& counts);

// Expects `r` refused for its KDF cost: kInvalidData naming `count` and
// certmint's limit (keys/pbe_limits.h), before anything was derived.
template <typename T>
void ExpectRefusedCount(const Result<T>& r, int64_t count) {
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code(), ErrorCode::kInvalidData) << r.error().ToString();
  EXPECT_NE(r.error().ToString().find("iteration count " + std::to_string(count) +
                                      " is above certmint's limit of 5000000"),
            std::string::npos)
      << r.error().ToString();
}

}  // namespace certmint::testing
