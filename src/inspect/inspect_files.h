// `certmint inspect FILE...`: several files described in one report, a file
// that fails not stopping the others.
#pragma once

#include <functional>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "core/encoding.h"
#include "core/error.h"
#include "core/secret.h"

namespace certmint {

struct InspectedFiles {
  std::string text;                  // each file's text, a blank line between two
  nlohmann::json json;               // an array, one object per file that could be read
  std::optional<Error> first_error;  // the first file's error, its path as context
};

// InspectFiles runs InspectFile on each of `paths` in order. The first
// failure is kept in first_error; each later one is passed to `also_failed`
// (with its path as context) as it happens, so that it can be reported.
InspectedFiles InspectFiles(const std::vector<std::string>& paths, const SecretString* password,
                            TimePoint now, const std::function<void(const Error&)>& also_failed);

}  // namespace certmint
