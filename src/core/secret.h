// Secrets that wipe themselves.
//
// SecretString holds a password. Its storage is cleansed (OPENSSL_cleanse,
// which the compiler may not optimise away) when it is destroyed or
// reassigned, it never converts to std::string implicitly, and it prints as
// "<redacted>". Move-only, so no stray copy outlives the original.
//
// SecretBytes does the same for binary secrets (an unencrypted PKCS#8 key, a
// password's UTF-16 form, a derived key or key stream), and also wipes its
// old buffer whenever it grows into a new one.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <ostream>
#include <string>
#include <string_view>

namespace certmint {

class SecretString {
 public:
  SecretString() = default;
  explicit SecretString(std::string_view value);
  ~SecretString();
  SecretString(SecretString&& other) noexcept;
  SecretString& operator=(SecretString&& other) noexcept;
  SecretString(const SecretString&) = delete;
  SecretString& operator=(const SecretString&) = delete;

  // The secret itself; callers must not copy it into unmanaged storage.
  std::string_view reveal() const { return value_; }
  const char* c_str() const { return value_.c_str(); }
  size_t size() const { return value_.size(); }
  bool empty() const { return value_.empty(); }
  void clear();

  friend std::ostream& operator<<(std::ostream& os, const SecretString&) {
    return os << "<redacted>";
  }

 private:
  std::string value_;
};

class SecretBytes {
 public:
  SecretBytes() = default;
  explicit SecretBytes(std::string_view bytes);
  SecretBytes(const uint8_t* bytes, size_t size);
  ~SecretBytes();
  SecretBytes(SecretBytes&& other) noexcept;
  SecretBytes& operator=(SecretBytes&& other) noexcept;
  SecretBytes(const SecretBytes&) = delete;
  SecretBytes& operator=(const SecretBytes&) = delete;

  uint8_t* data() { return bytes_.get(); }
  const uint8_t* data() const { return bytes_.get(); }
  size_t size() const { return size_; }
  size_t capacity() const { return capacity_; }
  bool empty() const { return size_ == 0; }
  uint8_t& operator[](size_t i) { return bytes_[i]; }
  uint8_t operator[](size_t i) const { return bytes_[i]; }
  // The bytes, for APIs that take a string_view; callers must not copy them
  // into unmanaged storage.
  std::string_view reveal() const {
    return std::string_view(reinterpret_cast<const char*>(bytes_.get()), size_);
  }

  // Growing moves the bytes to a new buffer and wipes the old one; reserve
  // up front to avoid the copies altogether.
  void reserve(size_t capacity);
  // New bytes are zero; bytes cut off are wiped.
  void resize(size_t size);
  // `bytes` may lie inside this buffer.
  void append(std::string_view bytes);
  void push_back(uint8_t byte);
  // Wipes the bytes; the (zeroed) buffer is kept for reuse.
  void clear();

  friend std::ostream& operator<<(std::ostream& os, const SecretBytes&) {
    return os << "<redacted>";
  }

 private:
  // Moves the bytes to a new zeroed buffer of `capacity` bytes, appending
  // `tail` (which may lie in the old buffer), then wipes the old buffer.
  void Reallocate(size_t capacity, std::string_view tail = {});
  void Wipe();

  // Invariant: the bytes from size_ to capacity_ are zero.
  std::unique_ptr<uint8_t[]> bytes_;
  size_t size_ = 0;
  size_t capacity_ = 0;
};

// Overwrites a std::string's bytes with zeros and empties it.
void Cleanse(std::string& s);

}  // namespace certmint
