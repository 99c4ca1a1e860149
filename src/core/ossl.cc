#include "core/ossl.h"

#include <climits>
#include <string>

namespace certmint::ossl {

BioPtr ReadOnlyMemBio(const void* data, size_t len) {
  if (len > INT_MAX) {
    return nullptr;
  }
  return BioPtr(BIO_new_mem_buf(data, static_cast<int>(len)));
}

std::string MemBioContents(BIO* bio) {
  char* data = nullptr;
  long len = BIO_get_mem_data(bio, &data);  // NOLINT(runtime/int)
  if (len <= 0 || data == nullptr) {
    return {};
  }
  return std::string(data, static_cast<size_t>(len));
}

}  // namespace certmint::ossl
