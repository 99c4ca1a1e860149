// One-time enrollment tokens: 256 random bits, shown once to the operator
// and stored by the CA service only as their SHA-256.
#pragma once

#include <chrono>
#include <string>
#include <string_view>

#include "core/error.h"
#include "core/secret.h"

namespace certmint {

// "cmt_" followed by 64 hex digits (32 random bytes).
inline constexpr std::string_view kTokenPrefix = "cmt_";
inline constexpr size_t kTokenLength = 4 + 64;

Result<SecretString> MakeEnrollmentToken();

// Whether `text` has the token's shape (prefix, length, hex digits).
bool LooksLikeEnrollmentToken(std::string_view text);

// Lower-case hex SHA-256 of the token: what the inventory stores.
std::string HashEnrollmentToken(std::string_view token);

// "90s", "30m", "24h", "7d" (a bare number is seconds); kInvalidArgument
// otherwise, or when zero or above ten years.
Result<std::chrono::seconds> ParseDuration(std::string_view text);

}  // namespace certmint
