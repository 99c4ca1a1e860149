#include "cli/options.h"

#include <iostream>

#include "cli/passwords.h"

namespace certmint::cli {

CLI::Option* AddCaDir(CLI::App* cmd, std::string* dir) {
  return cmd->add_option("--dir", *dir, "The CA's directory (from 'certmint ca init')")->required();
}

CLI::Option* AddCaPasswordFile(CLI::App* cmd, std::string* file) {
  // The CA key may be in a PKCS#11 token instead (docs/hsm.md): its PIN.
  NoteCaSecretCommand(cmd);
  cmd->add_option("--pin-file", PinFileFlag(),
                  "File whose first line is the PKCS#11 token's user PIN, when the CA key is in "
                  "a token (else $CERTMINT_PKCS11_PIN, else a prompt)");
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
      " of every identity: 6+ printable ASCII characters, no space at either end (else "
      "$CERTMINT_PASSWORD, else each identity keeps or gets its own generated one)",
      " (else $CERTMINT_PASSWORD, else the key's password)",
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

CLI::Option* AddIdentityOut(CLI::App* cmd, std::string* out, IdentityOutUse use) {
  // Indexed by IdentityOutUse.
  static constexpr const char* kWhat[] = {
      "Parent directory: the identity is written to OUT/NAME/",
      "Parent directory of the identity directories: OUT/NAME/ for each identity",
      "Parent directory of the identity directories to renew (OUT/NAME/)",
      "Parent directory of the identity directories to check (OUT/NAME/): refused while any "
      "still uses the old CA",
  };
  return cmd->add_option("--out", *out, kWhat[static_cast<int>(use)]);
}

CLI::Option* AddOutFile(CLI::App* cmd, std::string* out, const std::string& what) {
  return cmd->add_option("--out", *out, "File to write: " + what);
}

CLI::Option* AddRole(CLI::App* cmd, std::string* role) {
  return cmd->add_option("--role", *role,
                         "server (EKU serverAuth), client (clientAuth), both (brokers: they are "
                         "clients of each other) or admin (clientAuth plus certmint's admin "
                         "purpose: reads serve's /ui/, /v1/inventory and /metrics)");
}

CLI::Option* AddDays(CLI::App* cmd, ValidityFlag* days, bool ca) {
  return cmd->add_option(
      "--days", days->text,
      ca ? "Validity: days (3650 or 3650d) or hours (36h)"
         : "Validity: days (365 or 90d) or hours (24h: short-lived, renewed at two "
           "thirds; 2h to 36500 days; never beyond the CA's)");
}

CLI::Option* AddKeyType(CLI::App* cmd, std::string* key_type) {
  return cmd->add_option("--key-type", *key_type,
                         "rsa:2048|rsa:3072|rsa:4096|ec:p256|ec:p384|ed25519");
}

void AddOutputFlags(CLI::App* cmd, OutputFlags* a) {
  cmd->add_option("--format", a->formats,
                  "Comma-separated formats to write: pem, p12, jks, or pem-plain (an unencrypted "
                  "key, 0600, for peers that take no passphrase)");
  cmd->add_option("--alias", a->alias,
                  "Alias of the key entry in the stores (default: NAME "
                  "lower-cased); caroot, caroot-2, ... are the CA's");
  cmd->add_option("--p12-profile", a->p12_profile,
                  "modern (AES-256, PBKDF2-SHA256, HMAC-SHA256: Java 8u301+/11.0.12+/17/21) or "
                  "legacy (3DES, SHA-1 MAC: older Java)");
  cmd->add_flag("--passwordless-truststore", a->passwordless_truststore,
                "Write truststore.p12 with unencrypted certificates and no MAC, so that Kafka "
                "loads it without ssl.truststore.password (no tamper detection: see docs)");
}

Runner PrintingText(std::function<Result<std::string>()> run) {
  return FromStatus([run = std::move(run)]() -> Status {
    CM_ASSIGN_OR_RETURN(auto text, run());
    std::cout << text;
    return {};
  });
}

}  // namespace certmint::cli
