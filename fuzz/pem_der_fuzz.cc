// libFuzzer target: PEM and DER certificates, chains, requests and keys, as
// `certmint inspect` reads them, and PEM stores.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "inspect/inspect.h"
#include "stores/pem_store.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view in(reinterpret_cast<const char*>(data), size);
  static const certmint::SecretString kPassword("changeit");
  const auto now = std::chrono::system_clock::from_time_t(1767225600);
  if (auto items = certmint::InspectData(in, &kPassword, now)) {
    (void)certmint::RenderText("fuzz", *items);
    (void)certmint::RenderJson("fuzz", *items)
        .dump(2, ' ', false, nlohmann::json::error_handler_t::replace);
  }
  (void)certmint::InspectData(in, nullptr, now);
  (void)certmint::ReadPemStore(in, &kPassword);
  (void)certmint::PemProfileOf(in);
  return 0;
}
