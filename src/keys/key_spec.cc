#include "keys/key_spec.h"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>

#include "core/encoding.h"

namespace certmint {

std::string KeySpec::ToString() const {
  switch (algorithm) {
    case KeyAlgorithm::kRsa:
      return fmt::format("rsa:{}", rsa_bits);
    case KeyAlgorithm::kEc:
      return curve == "P-384" ? "ec:p384" : "ec:p256";
    case KeyAlgorithm::kEd25519:
      return "ed25519";
  }
  return "?";
}

KeySpec DefaultKeySpec() { return KeySpec{KeyAlgorithm::kEc, 0, "P-256"}; }

Result<KeySpec> ParseKeySpec(std::string_view text) {
  const std::string t = AsciiLower(text);
  if (t == "rsa:2048" || t == "rsa:3072" || t == "rsa:4096") {
    return KeySpec{KeyAlgorithm::kRsa, std::stoi(t.substr(4)), ""};
  }
  if (t == "ec:p256" || t == "ec:p-256" || t == "ec:prime256v1") {
    return KeySpec{KeyAlgorithm::kEc, 0, "P-256"};
  }
  if (t == "ec:p384" || t == "ec:p-384" || t == "ec:secp384r1") {
    return KeySpec{KeyAlgorithm::kEc, 0, "P-384"};
  }
  if (t == "ed25519") {
    return KeySpec{KeyAlgorithm::kEd25519, 0, ""};
  }
  return MakeError(ErrorCode::kInvalidArgument,
                   fmt::format("unknown key type '{}' (expected rsa:2048, rsa:3072, rsa:4096, "
                               "ec:p256, ec:p384 or ed25519)",
                               text));
}

}  // namespace certmint
