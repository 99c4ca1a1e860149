#include "core/secret.h"

#include <openssl/crypto.h>

#include <algorithm>
#include <cstring>

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

SecretBytes::SecretBytes(std::string_view bytes) { append(bytes); }

SecretBytes::SecretBytes(const uint8_t* bytes, size_t size)
    : SecretBytes(std::string_view(reinterpret_cast<const char*>(bytes), size)) {}

SecretBytes::~SecretBytes() { Wipe(); }

SecretBytes::SecretBytes(SecretBytes&& other) noexcept
    : bytes_(std::move(other.bytes_)), size_(other.size_), capacity_(other.capacity_) {
  // The buffer itself moved: nothing of the secret is left in `other`.
  other.size_ = 0;
  other.capacity_ = 0;
}

SecretBytes& SecretBytes::operator=(SecretBytes&& other) noexcept {
  if (this != &other) {
    Wipe();
    bytes_ = std::move(other.bytes_);
    size_ = other.size_;
    capacity_ = other.capacity_;
    other.size_ = 0;
    other.capacity_ = 0;
  }
  return *this;
}

void SecretBytes::reserve(size_t capacity) {
  if (capacity > capacity_) {
    Reallocate(capacity);
  }
}

void SecretBytes::resize(size_t size) {
  if (size > capacity_) {
    Reallocate(std::max(size, 2 * capacity_));
  } else if (size < size_) {
    OPENSSL_cleanse(bytes_.get() + size, size_ - size);
  }
  // Bytes past the old size are zero already (the invariant).
  size_ = size;
}

void SecretBytes::append(std::string_view bytes) {
  if (bytes.empty()) {
    return;
  }
  if (size_ + bytes.size() > capacity_) {
    Reallocate(std::max(size_ + bytes.size(), 2 * capacity_), bytes);
    return;
  }
  std::memmove(bytes_.get() + size_, bytes.data(), bytes.size());
  size_ += bytes.size();
}

void SecretBytes::push_back(uint8_t byte) {
  const char c = static_cast<char>(byte);
  append(std::string_view(&c, 1));
}

void SecretBytes::clear() {
  if (size_ > 0) {
    OPENSSL_cleanse(bytes_.get(), size_);
  }
  size_ = 0;
}

void SecretBytes::Reallocate(size_t capacity, std::string_view tail) {
  auto bigger = std::make_unique<uint8_t[]>(capacity);  // zeroed
  if (size_ > 0) {
    std::memcpy(bigger.get(), bytes_.get(), size_);
  }
  if (!tail.empty()) {
    std::memcpy(bigger.get() + size_, tail.data(), tail.size());
  }
  const size_t size = size_ + tail.size();
  Wipe();
  bytes_ = std::move(bigger);
  size_ = size;
  capacity_ = capacity;
}

void SecretBytes::Wipe() {
  if (bytes_ != nullptr) {
    OPENSSL_cleanse(bytes_.get(), capacity_);
  }
  bytes_.reset();
  size_ = 0;
  capacity_ = 0;
}

}  // namespace certmint
