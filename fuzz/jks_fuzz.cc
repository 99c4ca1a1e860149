// libFuzzer target: JKS and JCEKS stores, with and without a password.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "stores/jks.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view in(reinterpret_cast<const char*>(data), size);
  static const certmint::SecretString kPassword("changeit");
  (void)certmint::ReadJavaKeyStore(in, &kPassword);
  (void)certmint::ReadJavaKeyStore(in, nullptr);
  return 0;
}
