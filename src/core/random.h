// Randomness from OpenSSL's DRBG, behind one seam so callers that must be
// deterministic in tests can take bytes from elsewhere.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "core/error.h"
#include "core/secret.h"

namespace certmint {

Result<std::vector<uint8_t>> RandomBytes(size_t n);

// A random password of `length` characters from [A-Za-z0-9] (about 5.95
// bits each; 32 characters carry 190 bits), safe to put in properties files
// without escaping.
Result<SecretString> RandomPassword(size_t length = 32);

}  // namespace certmint
