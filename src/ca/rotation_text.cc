#include "ca/rotation_text.h"

#include <fmt/format.h>

namespace certmint {

std::string RenderRotatedText(const CertificateAuthority& fresh, const CaInitOptions& options,
                              const std::string& dir) {
  return fmt::format(
      "CA rotation, step 1 done: new CA '{}' ({}) in {}; the previous CA is in {}.\n"
      "Next: step 2, certmint apply (truststores first), deploy; step 3, apply again\n"
      "(keystores), deploy; step 4, certmint ca retire. See docs/ca-rotation.md.\n"
      "A running certmint serve: reload it now (SIGHUP) or restart it (until the retirement\n"
      "it also presents {}), and let every enrolled node renew\n"
      "before the retirement; reload it again after.\n",
      fresh.certificate().Subject().ToString(), options.key_spec.ToString(), dir,
      PreviousCaDir(dir), CrossCertificatePath(dir));
}

std::string RenderRetiredText(const std::string& kept_in) {
  return fmt::format(
      "CA rotation, step 4 done: retired the previous CA (kept in {}). Step 5: run certmint "
      "apply to drop it from every truststore, and reload a running certmint serve (SIGHUP).\n",
      kept_in);
}

}  // namespace certmint
