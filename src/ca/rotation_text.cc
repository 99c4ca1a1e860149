#include "ca/rotation_text.h"

#include <fmt/format.h>

namespace certmint {

std::string RenderRotatedText(const CertificateAuthority& fresh, const CaInitOptions& options,
                              const std::string& dir) {
  return fmt::format(
      "Rotated: new CA '{}' ({}) in {}; the previous CA is in {}.\n"
      "Next: certmint apply (truststores first), deploy, apply again (keystores), deploy,\n"
      "then certmint ca retire. See docs/ca-rotation.md.\n"
      "A running certmint serve: reload it now (SIGHUP) or restart it (until the retirement\n"
      "it also presents {}), and let every enrolled node renew\n"
      "before the retirement; reload it again after.\n",
      fresh.certificate().Subject().ToString(), options.key_spec.ToString(), dir,
      PreviousCaDir(dir), CrossCertificatePath(dir));
}

std::string RenderRetiredText(const std::string& kept_in) {
  return fmt::format(
      "Retired the previous CA (kept in {}). Run certmint apply to drop it from every "
      "truststore, and reload a running certmint serve (SIGHUP).\n",
      kept_in);
}

}  // namespace certmint
