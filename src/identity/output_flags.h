// How a new identity's files are written, as `issue` and `enroll` are told
// it (--format, --alias, --p12-profile, --passwordless-truststore), and its
// one check; errors name the flag.
#pragma once

#include <string>
#include <string_view>

#include "core/error.h"
#include "identity/files.h"

namespace certmint {

struct OutputFlags {
  std::string formats = "pem,p12,jks";
  std::string alias;  // empty: NAME lower-cased
  std::string p12_profile = "modern";
  bool passwordless_truststore = false;
};

// ParseOutputFlags checks `flags` for the identity `name` (whose lower-cased
// form is the default alias, and must then be a valid one).
Result<IdentityOutput> ParseOutputFlags(const OutputFlags& flags, std::string_view name);

}  // namespace certmint
