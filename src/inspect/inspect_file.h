// `certmint inspect FILE`: a file read and described whatever it holds.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "core/encoding.h"
#include "core/error.h"
#include "core/secret.h"

namespace certmint {

struct InspectedFile {
  std::string text;     // RenderText / RenderStoreText
  nlohmann::json json;  // RenderJson / RenderStoreJson
};

// Reads `path` and describes it: key stores (JKS, JCEKS, PKCS#12) entry by
// entry, opened with `password`; PEM and DER files object by object
// (InspectData). The file's bytes are wiped after use. Errors as ReadFile,
// ReadStore and InspectData give them, without the path as context.
Result<InspectedFile> InspectFile(const std::string& path, const SecretString* password,
                                  TimePoint now);

}  // namespace certmint
