#include "inspect/inspect_files.h"

#include "core/json_value.h"
#include "inspect/inspect_file.h"

namespace certmint {

InspectedFiles InspectFiles(const std::vector<std::string>& paths, const SecretString* password,
                            TimePoint now, const std::function<void(const Error&)>& also_failed) {
  InspectedFiles out{"", nlohmann::json::array(), std::nullopt};
  bool first_text = true;
  for (const auto& path : paths) {
    auto rendered = InspectFile(path, password, now);
    if (!rendered) {
      // --json: the file's entry says why (docs/json.md); the first error
      // is the exit code.
      out.json.push_back({{"file", path}, {"error", ErrorJson(rendered.error())["error"]}});
      rendered.error().AddContext(path);
      if (!out.first_error) {
        out.first_error = rendered.error();
      } else {
        also_failed(rendered.error());
      }
      continue;
    }
    out.json.push_back(rendered->json);
    out.text += (first_text ? "" : "\n") + rendered->text;
    first_text = false;
  }
  return out;
}

}  // namespace certmint
