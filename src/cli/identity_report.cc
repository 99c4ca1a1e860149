#include "cli/identity_report.h"

#include <iostream>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "cli/commands.h"
#include "cli/passwords.h"
#include "stores/keystore.h"
#include "stores/pkcs12.h"

namespace certmint::cli {

void AddStoreOutputOptions(CLI::App* cmd, StoreOutputArgs* a) {
  cmd->add_option("--format", a->formats, "Comma-separated formats to write: pem, p12, jks")
      ->capture_default_str();
  cmd->add_option("--alias", a->alias, "Alias of the key entry in the stores (default: NAME "
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
  return certmint::NewStorePassword({password_file, kStorePasswordEnv, "", false,
                                     "--password-file"});
}

void ReportIdentity(const IdentityFiles& files, const std::string& name, const Certificate& cert,
                    const KeySpec& key_spec, Role role, bool json, std::string_view verb) {
  const SubjectAltNames sans = cert.Sans();
  if (json) {
    auto opt = [](const std::optional<std::string>& s) { return s ? *s : std::string(); };
    nlohmann::json j{{"name", name},
                     {"dir", files.dir},
                     {"certificate", files.certificate},
                     {"key", opt(files.key)},
                     {"chain", opt(files.chain)},
                     {"ca_certificate", files.ca_certificate},
                     {"keystore_p12", opt(files.keystore_p12)},
                     {"truststore_p12", opt(files.truststore_p12)},
                     {"keystore_jks", opt(files.keystore_jks)},
                     {"truststore_jks", opt(files.truststore_jks)},
                     {"password_file", opt(files.password_file)},
                     {"subject", cert.Subject().ToString()},
                     {"serial", cert.SerialHex()},
                     {"key_type", key_spec.ToString()},
                     {"role", RoleName(role)},
                     {"dns_names", sans.dns},
                     {"ip_addresses", sans.ips},
                     {"not_after", FormatUtc(cert.NotAfter())},
                     {"sha256_fingerprint", cert.Sha256Fingerprint()}};
    PrintJson(j.dump(2, ' ', false, nlohmann::json::error_handler_t::replace));
    return;
  }
  const std::string sans_line = sans.ToString();
  std::cout << fmt::format("{} {} ({}, role {}), valid until {}\n", verb,
                           cert.Subject().ToString(), key_spec.ToString(), RoleName(role),
                           FormatUtc(cert.NotAfter()));
  std::cout << fmt::format("  SANs:        {}\n", sans_line.empty() ? "(none)" : sans_line);
  std::cout << fmt::format("  certificate: {}\n  CA:          {}\n", files.certificate,
                           files.ca_certificate);
  if (files.key) {
    std::cout << fmt::format("  key:         {} (PKCS#8, encrypted with the store password)\n"
                             "  chain:       {}\n",
                             *files.key, *files.chain);
  }
  if (files.keystore_p12) {
    std::cout << fmt::format("  PKCS#12:     {}, {}\n", *files.keystore_p12,
                             *files.truststore_p12);
  }
  if (files.keystore_jks) {
    std::cout << fmt::format("  JKS:         {}, {}\n", *files.keystore_jks,
                             *files.truststore_jks);
  }
  if (files.password_file) {
    std::cout << fmt::format("  password:    {} (generated; mode 0600)\n", *files.password_file);
  }
}

}  // namespace certmint::cli
