// libFuzzer target: CRLs as `verify --crl` and `handshake --crl` read them.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "x509/crl.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  (void)certmint::Crl::Parse(std::string_view(reinterpret_cast<const char*>(data), size));
  return 0;
}
