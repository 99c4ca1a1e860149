#include "core/secret.h"

#include <openssl/crypto.h>

namespace certmint {

void Cleanse(std::string& s) {
  // Wipe the whole capacity, not just size(): an earlier, longer value may
  // still sit past the current end.
  if (s.capacity() > 0) {
    s.resize(s.capacity());
    OPENSSL_cleanse(s.data(), s.size());
  }
  s.clear();
}

SecretString::SecretString(std::string_view value) {
  // Reserve first so that the value is written exactly once, with no
  // reallocation leaving a copy behind.
  value_.reserve(value.size() < 32 ? 32 : value.size());
  value_.assign(value);
}

SecretString::~SecretString() { Cleanse(value_); }

SecretString::SecretString(SecretString&& other) noexcept : value_(std::move(other.value_)) {
  Cleanse(other.value_);
}

SecretString& SecretString::operator=(SecretString&& other) noexcept {
  if (this != &other) {
    Cleanse(value_);
    value_ = std::move(other.value_);
    Cleanse(other.value_);
  }
  return *this;
}

void SecretString::clear() { Cleanse(value_); }

}  // namespace certmint
