// libFuzzer target: PKCS#12 files.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "stores/pkcs12.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view in(reinterpret_cast<const char*>(data), size);
  static const certmint::SecretString kPassword("changeit");
  (void)certmint::ReadPkcs12(in, &kPassword);
  (void)certmint::ReadPkcs12(in, nullptr);
  (void)certmint::Pkcs12FormOf(in);
  return 0;
}
