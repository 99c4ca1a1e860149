// libFuzzer target: the YAML cluster manifest.
#include <cstddef>
#include <cstdint>
#include <string>

#include "cluster/manifest.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  (void)certmint::ParseManifest(std::string(reinterpret_cast<const char*>(data), size),
                                "fuzz.yaml");
  return 0;
}
