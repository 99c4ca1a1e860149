#include "cli/identity_report.h"

#include <iostream>
#include <nlohmann/json.hpp>

#include "cli/commands.h"
#include "cli/passwords.h"
#include "identity/report.h"
#include "stores/keystore.h"
#include "stores/pkcs12.h"

namespace certmint::cli {

void AddStoreOutputOptions(CLI::App* cmd, StoreOutputArgs* a) {
  cmd->add_option("--format", a->formats, "Comma-separated formats to write: pem, p12, jks")
      ->capture_default_str();
  cmd->add_option("--alias", a->alias,
                  "Alias of the key entry in the stores (default: NAME "
                  "lower-cased); caroot, caroot-2, ... are the CA's");
  cmd->add_option("--p12-profile", a->p12_profile,
                  "modern (AES-256, PBKDF2-SHA256, HMAC-SHA256: Java 8u301+/11.0.12+/17/21) or "
                  "legacy (3DES, SHA-1 MAC: older Java)")
      ->capture_default_str();
  cmd->add_flag("--passwordless-truststore", a->passwordless_truststore,
                "Write truststore.p12 with unencrypted certificates and no MAC, so that Kafka "
                "loads it without ssl.truststore.password (no tamper detection: see docs)");
}

Result<IdentityOutput> ParseStoreOutputArgs(const StoreOutputArgs& a, std::string_view name) {
  IdentityOutput output;
  CM_ASSIGN_OR_RETURN(output.formats, WithContext(ParseFormatList(a.formats), "--format"));
  if (!a.alias.empty()) {
    CM_RETURN_IF_ERROR(WithContext(ValidateKeyAlias(a.alias), "--alias"));
    output.alias = NormalizeAlias(a.alias);
  } else {
    CM_RETURN_IF_ERROR(WithContext(ValidateKeyAlias(KeyAliasFor(name, "")),
                                   "the default alias, NAME (set --alias)"));
  }
  CM_ASSIGN_OR_RETURN(output.pkcs12.profile,
                      WithContext(ParsePkcs12Profile(a.p12_profile), "--p12-profile"));
  output.pkcs12.passwordless = a.passwordless_truststore;
  return output;
}

Result<StorePassword> NewStorePassword(const std::string& password_file) {
  return certmint::NewStorePassword(
      {password_file, kStorePasswordEnv, "", false, "--password-file"});
}

void ReportIdentity(const IdentityFiles& files, const std::string& name, const Certificate& cert,
                    const KeySpec& key_spec, Role role, bool json, std::string_view verb) {
  if (json) {
    const nlohmann::json j = IdentityReportJson(files, name, cert, key_spec, role);
    PrintJson(j.dump(2, ' ', false, nlohmann::json::error_handler_t::replace));
    return;
  }
  std::cout << IdentityReportText(files, cert, key_spec, role, verb);
}

}  // namespace certmint::cli
