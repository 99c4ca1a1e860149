// Bounds-checked big-endian reading of untrusted bytes. Every read checks the
// remaining length first, so a hostile length can never cause a huge
// allocation or a read past the end.
#pragma once

#include <fmt/format.h>

#include <cstdint>
#include <string>
#include <string_view>

#include "core/error.h"

namespace certmint {

class ByteReader {
 public:
  explicit ByteReader(std::string_view data) : data_(data) {}

  size_t offset() const { return pos_; }
  size_t remaining() const { return data_.size() - pos_; }
  std::string_view consumed() const { return data_.substr(0, pos_); }

  Result<uint16_t> U16() {
    CM_ASSIGN_OR_RETURN(auto b, Bytes(2));
    return static_cast<uint16_t>(Byte(b, 0) << 8 | Byte(b, 1));
  }
  Result<uint32_t> U32() {
    CM_ASSIGN_OR_RETURN(auto b, Bytes(4));
    return static_cast<uint32_t>(Byte(b, 0)) << 24 | static_cast<uint32_t>(Byte(b, 1)) << 16 |
           static_cast<uint32_t>(Byte(b, 2)) << 8 | static_cast<uint32_t>(Byte(b, 3));
  }
  Result<int64_t> I64() {
    CM_ASSIGN_OR_RETURN(uint32_t hi, U32());
    CM_ASSIGN_OR_RETURN(uint32_t lo, U32());
    return static_cast<int64_t>(static_cast<uint64_t>(hi) << 32 | lo);
  }
  Result<std::string_view> Bytes(size_t n) {
    if (n > remaining()) {
      return MakeError(
          ErrorCode::kInvalidData,
          fmt::format("truncated: {} bytes needed at offset {}, {} left", n, pos_, remaining()));
    }
    std::string_view out = data_.substr(pos_, n);
    pos_ += n;
    return out;
  }
  // u16 length + bytes (Java's writeUTF).
  Result<std::string> Utf() {
    CM_ASSIGN_OR_RETURN(uint16_t len, U16());
    CM_ASSIGN_OR_RETURN(auto b, Bytes(len));
    return std::string(b);
  }
  // u32 length + bytes, the length bounded by what is left.
  Result<std::string_view> Blob() {
    CM_ASSIGN_OR_RETURN(uint32_t len, U32());
    return Bytes(len);
  }

 private:
  static unsigned Byte(std::string_view b, size_t i) { return static_cast<unsigned char>(b[i]); }
  std::string_view data_;
  size_t pos_ = 0;
};

class ByteWriter {
 public:
  void U16(uint16_t v) {
    out_.push_back(static_cast<char>(v >> 8));
    out_.push_back(static_cast<char>(v));
  }
  void U32(uint32_t v) {
    U16(static_cast<uint16_t>(v >> 16));
    U16(static_cast<uint16_t>(v));
  }
  void I64(int64_t v) {
    U32(static_cast<uint32_t>(static_cast<uint64_t>(v) >> 32));
    U32(static_cast<uint32_t>(v));
  }
  void Bytes(std::string_view b) { out_.append(b); }
  void Utf(std::string_view s) {
    U16(static_cast<uint16_t>(s.size()));
    Bytes(s);
  }
  void Blob(std::string_view b) {
    U32(static_cast<uint32_t>(b.size()));
    Bytes(b);
  }
  std::string& str() { return out_; }

 private:
  std::string out_;
};

}  // namespace certmint
