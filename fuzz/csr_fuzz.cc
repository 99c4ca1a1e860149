// libFuzzer target: certificate requests as `certmint sign` reads them.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "x509/csr.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view in(reinterpret_cast<const char*>(data), size);
  if (auto req = certmint::CertificateRequest::Parse(in)) {
    (void)req->SignatureValid();
    (void)req->RequestedSans();
    (void)req->RequestsCa();
    (void)req->Subject().ToString();
  }
  return 0;
}
