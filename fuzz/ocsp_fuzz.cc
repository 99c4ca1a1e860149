// libFuzzer target: OCSP requests as `certmint serve`'s status listener
// reads them, POSTed (DER) and in a GET's path (percent- and
// base64-encoded DER).
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "ocsp/request.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  (void)certmint::ParseOcspRequest(input);
  if (auto der = certmint::DecodeOcspGetRequest(input)) {
    (void)certmint::ParseOcspRequest(*der);
  }
  return 0;
}
