#include "inspect/inspect_file.h"

#include "core/fs.h"
#include "inspect/inspect.h"
#include "stores/store_io.h"

namespace certmint {

Result<InspectedFile> InspectFile(const std::string& path, const SecretString* password,
                                  TimePoint now) {
  CM_ASSIGN_OR_RETURN(auto data, fs::ReadFile(path));
  auto format = DetectStoreFormat(data);
  if (format && *format != StoreFormat::kPem) {
    auto store = ReadStore(data, password);
    Cleanse(data);
    if (!store) {
      return tl::unexpected(store.error());
    }
    return InspectedFile{RenderStoreText(path, *format, *store, now),
                         RenderStoreJson(path, *format, *store, now)};
  }
  auto items = InspectData(data, password, now);
  Cleanse(data);
  if (!items) {
    return tl::unexpected(items.error());
  }
  return InspectedFile{RenderText(path, *items), RenderJson(path, *items)};
}

}  // namespace certmint
