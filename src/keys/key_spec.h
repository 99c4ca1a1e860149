// Which key to make: "rsa:2048|3072|4096", "ec:p256|p384" or "ed25519".
#pragma once

#include <string>
#include <string_view>

#include "core/error.h"

namespace certmint {

enum class KeyAlgorithm { kRsa, kEc, kEd25519 };

struct KeySpec {
  KeyAlgorithm algorithm = KeyAlgorithm::kEc;
  int rsa_bits = 0;   // kRsa only
  std::string curve;  // kEc only: OpenSSL group name, "P-256" or "P-384"

  // The canonical text form, which ParseKeySpec accepts ("ec:p256").
  std::string ToString() const;
  friend bool operator==(const KeySpec&, const KeySpec&) = default;
};

// The default for new keys: EC P-256 (fast, small, accepted by Java 8+,
// OpenSSL and librdkafka).
KeySpec DefaultKeySpec();

// Parses the text form, case-insensitively. kInvalidArgument on anything else,
// listing what is accepted.
Result<KeySpec> ParseKeySpec(std::string_view text);

}  // namespace certmint
