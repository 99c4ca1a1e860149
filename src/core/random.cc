#include "core/random.h"

#include <openssl/crypto.h>
#include <openssl/rand.h>

#include <climits>
#include <string>

namespace certmint {

Result<std::vector<uint8_t>> RandomBytes(size_t n) {
  std::vector<uint8_t> out(n);
  if (n > INT_MAX || RAND_bytes(out.data(), static_cast<int>(n)) != 1) {
    return OpenSslError(ErrorCode::kInternal, "random generator failed");
  }
  return out;
}

Result<SecretString> RandomPassword(size_t length) {
  static constexpr char kAlphabet[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
  constexpr unsigned kSize = sizeof(kAlphabet) - 1;  // 62
  // Rejection sampling: bytes >= 248 (= 4 * 62) would bias the result.
  constexpr unsigned kLimit = (256 / kSize) * kSize;
  std::string out;
  out.reserve(length);
  while (out.size() < length) {
    CM_ASSIGN_OR_RETURN(auto bytes, RandomBytes(length * 2));
    for (uint8_t b : bytes) {
      if (b < kLimit && out.size() < length) {
        out.push_back(kAlphabet[b % kSize]);
      }
    }
    OPENSSL_cleanse(bytes.data(), bytes.size());
  }
  SecretString secret(out);
  Cleanse(out);
  return secret;
}

}  // namespace certmint
