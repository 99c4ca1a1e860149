#include "identity/output_flags.h"

#include "stores/keystore.h"
#include "stores/pkcs12.h"

namespace certmint {

Result<IdentityOutput> ParseOutputFlags(const OutputFlags& flags, std::string_view name) {
  IdentityOutput output;
  CM_ASSIGN_OR_RETURN(auto formats, WithContext(ParseFormatList(flags.formats), "--format"));
  output.formats = std::move(formats.stores);
  output.kubernetes = formats.kubernetes;
  CM_RETURN_IF_ERROR(WithContext(CheckInstallDir(flags.install_dir), "--install-dir"));
  output.install_dir = flags.install_dir;
  if (output.kubernetes) {
    CM_RETURN_IF_ERROR(WithContext(KubernetesName(name), "--format k8s: the Secret's name, NAME"));
  }
  if (!flags.alias.empty()) {
    CM_RETURN_IF_ERROR(WithContext(ValidateKeyAlias(flags.alias), "--alias"));
    output.alias = NormalizeAlias(flags.alias);
  } else {
    CM_RETURN_IF_ERROR(WithContext(ValidateKeyAlias(KeyAliasFor(name, "")),
                                   "the default alias, NAME (set --alias)"));
  }
  CM_ASSIGN_OR_RETURN(output.pkcs12.profile,
                      WithContext(ParsePkcs12Profile(flags.p12_profile), "--p12-profile"));
  output.pkcs12.passwordless = flags.passwordless_truststore;
  return output;
}

}  // namespace certmint
