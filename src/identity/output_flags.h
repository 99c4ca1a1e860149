// How a new identity's files are written, as `issue` and `enroll` are told
// it (--format, --alias, --p12-profile, --passwordless-truststore,
// --install-dir), and its
// one check; errors name the flag.
#pragma once

#include <string>
#include <string_view>

#include "core/error.h"
#include "identity/files.h"

namespace certmint {

struct OutputFlags {
  std::string formats = "pem,p12,jks";  // k8s: also a Kubernetes Secret
  std::string alias;                    // empty: NAME lower-cased
  // --install-dir: where the files will live on the node (the paths in the
  // settings files); empty: OUT/NAME as given, made absolute.
  std::string install_dir;
  std::string p12_profile = "modern";
  bool passwordless_truststore = false;
};

// ParseOutputFlags checks `flags` for the identity `name` (whose lower-cased
// form is the default alias, and must then be a valid one).
Result<IdentityOutput> ParseOutputFlags(const OutputFlags& flags, std::string_view name);

}  // namespace certmint
