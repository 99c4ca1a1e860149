#include "cli/flag_defaults.h"

#include "cli/passwords.h"

namespace certmint::cli {

cmdline::DefaultsSpec CertmintFlagDefaults() {
  // Where --out is the parent directory of identity directories (OUT/NAME/)
  // and --password-file their store password. Elsewhere --out is a file or
  // another kind of directory (crl, sign, csr, token create) and
  // --password-file a given store's (inspect, convert, the keystore edits).
  const std::vector<std::string_view> identity_commands{
      "certmint issue",  "certmint apply",     "certmint renew",
      "certmint enroll", "certmint ca retire", "certmint keystore install",
      "certmint verify", "certmint handshake", "certmint probe"};
  // renew --server: the CA service signs; no CA directory or password.
  return {
      .file_name = "certmint.yaml",
      .file_env = "CERTMINT_CONFIG",
      .example = "dir: pki, out: certs, ...",
      .flags = {
          {.flag = "--dir", .key = "dir", .env_value = "CERTMINT_DIR", .unless = "--server"},
          {.flag = "--out", .key = "out", .env_value = "CERTMINT_OUT", .only = identity_commands},
          {.flag = "--ca-password-file",
           .key = "ca_password_file",
           .env_password = kCaPasswordEnv,
           .unless = "--server"},
          {.flag = "--password-file",
           .key = "password_file",
           .env_password = kStorePasswordEnv,
           .only = identity_commands},
      }};
}

}  // namespace certmint::cli
