// libFuzzer target: kafka.properties and librdkafka.properties as verify
// reads them.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "verify/settings.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view in(reinterpret_cast<const char*>(data), size);
  (void)certmint::ParseKafkaProperties(in);
  (void)certmint::ParseLibrdkafkaProperties(in);
  return 0;
}
