#include "cli/options.h"

#include "cli/passwords.h"

namespace certmint::cli {

CLI::Option* AddCaDir(CLI::App* cmd, std::string* dir) {
  return cmd->add_option("--dir", *dir, "The CA's directory (from 'certmint ca init')")->required();
}

CLI::Option* AddCaPasswordFile(CLI::App* cmd, std::string* file) {
  return cmd->add_option("--ca-password-file", *file,
                         "File whose first line is the CA key password (else "
                         "$CERTMINT_CA_PASSWORD, else a prompt)");
}

CLI::Option* AddStorePasswordFile(CLI::App* cmd, std::string* file, StorePasswordUse use) {
  // Indexed by StorePasswordUse.
  static constexpr const char* kOtherwise[] = {
      ": 6+ printable ASCII characters, no space at either end (else $CERTMINT_PASSWORD, else a "
      "random one written to OUT/NAME/password)",
      " (else $CERTMINT_PASSWORD, else a prompt)",
      " (else $CERTMINT_PASSWORD, else the password file beside each store)",
      " (else $CERTMINT_PASSWORD); it opens encrypted keys too",
  };
  return cmd->add_option("--password-file", *file,
                         std::string("File whose first line is the store password") +
                             kOtherwise[static_cast<int>(use)]);
}

void AddSanFlags(CLI::App* cmd, std::vector<std::string>* dns, std::vector<std::string>* ips,
                 SanUse use) {
  const std::string what = use == SanUse::kIssued    ? "the certificate carries"
                           : use == SanUse::kAllowed ? "the certificate may carry"
                                                     : "to ask for";
  cmd->add_option("--dns", *dns, "DNS name " + what + " (repeatable; '*.example.com' allowed)");
  cmd->add_option("--ip", *ips, "IP address " + what + " (repeatable; IPv4 or IPv6)");
}

CLI::Option* AddJson(CLI::App* cmd, bool* json, const std::string& what) {
  return cmd->add_flag("--json", *json, "Print " + what + " as JSON");
}

CLI::Option* AddIdentityOut(CLI::App* cmd, std::string* out) {
  return cmd->add_option("--out", *out, "Directory under which OUT/NAME/ is created")
      ->capture_default_str();
}

CLI::Option* AddRole(CLI::App* cmd, std::string* role) {
  return cmd
      ->add_option("--role", *role,
                   "server (EKU serverAuth), client (clientAuth) or both (brokers: they are "
                   "clients of each other)")
      ->capture_default_str();
}

CLI::Option* AddDays(CLI::App* cmd, int* days, bool ca) {
  return cmd
      ->add_option("--days", *days,
                   ca ? "Validity in days" : "Validity in days (never beyond the CA's)")
      ->capture_default_str();
}

CLI::Option* AddKeyType(CLI::App* cmd, std::string* key_type) {
  return cmd
      ->add_option("--key-type", *key_type, "rsa:2048|rsa:3072|rsa:4096|ec:p256|ec:p384|ed25519")
      ->capture_default_str();
}

Runner WithPasswordTraps(CLI::App* cmd, Runner run) {
  AddArgvPasswordTraps(cmd);
  return [cmd, run = std::move(run)]() -> Result<int> {
    CM_RETURN_IF_ERROR(CheckArgvPasswordTraps(cmd));
    return run();
  };
}

}  // namespace certmint::cli
