// Secrets that wipe themselves.
//
// SecretString holds a password. Its storage is cleansed (OPENSSL_cleanse,
// which the compiler may not optimise away) when it is destroyed or
// reassigned, it never converts to std::string implicitly, and it prints as
// "<redacted>". Move-only, so no stray copy outlives the original.
#pragma once

#include <cstddef>
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

// Overwrites a std::string's bytes with zeros and empties it.
void Cleanse(std::string& s);

}  // namespace certmint
