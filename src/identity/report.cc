#include "identity/report.h"

#include <fmt/format.h>

#include "core/encoding.h"
#include "core/json_value.h"
#include "identity/kafka_settings.h"

namespace certmint {

nlohmann::json IdentityReportJson(const IdentityFiles& files, const std::string& name,
                                  const Certificate& cert, const KeySpec& key_spec, Role role) {
  const SubjectAltNames sans = cert.Sans();
  return nlohmann::json{{"name", name},
                        {"dir", files.dir},
                        {"certificate", files.certificate},
                        {"key", NullIfEmpty(files.key)},
                        {"chain", NullIfEmpty(files.chain)},
                        {"ca_certificate", files.ca_certificate},
                        {"keystore_p12", NullIfEmpty(files.keystore_p12)},
                        {"truststore_p12", NullIfEmpty(files.truststore_p12)},
                        {"keystore_jks", NullIfEmpty(files.keystore_jks)},
                        {"truststore_jks", NullIfEmpty(files.truststore_jks)},
                        {"password_file", NullIfEmpty(files.password_file)},
                        {"kafka_properties", NullIfEmpty(files.kafka_properties)},
                        {"server_properties", NullIfEmpty(files.server_properties)},
                        {"kubernetes_secret", NullIfEmpty(files.kubernetes_secret)},
                        {"subject", cert.Subject().ToString()},
                        {"kafka_principal", "User:" + KafkaPrincipalName(cert.Subject())},
                        {"serial", cert.SerialHex()},
                        {"key_type", key_spec.ToString()},
                        {"role", RoleName(role)},
                        {"dns_names", sans.dns},
                        {"ip_addresses", sans.ips},
                        {"not_after", FormatUtc(cert.NotAfter())},
                        {"sha256_fingerprint", cert.Sha256Fingerprint()}};
}

std::string IdentityReportText(const IdentityFiles& files, const Certificate& cert,
                               const KeySpec& key_spec, Role role, std::string_view verb) {
  const std::string sans = cert.Sans().ToString();
  std::string out =
      fmt::format("{} {} ({}, role {}), valid until {}\n", verb, cert.Subject().ToString(),
                  key_spec.ToString(), RoleName(role), FormatUtc(cert.NotAfter()));
  out += fmt::format("  SANs:        {}\n", sans.empty() ? "(none)" : sans);
  out += fmt::format("  principal:   User:{} (Kafka's name for it in ACLs)\n",
                     KafkaPrincipalName(cert.Subject()));
  out += fmt::format("  certificate: {}\n  CA:          {}\n", files.certificate,
                     files.ca_certificate);
  if (files.key) {
    out += fmt::format(
        "  key:         {} (PKCS#8, encrypted with the store password)\n"
        "  chain:       {}\n",
        *files.key, *files.chain);
  }
  if (files.keystore_p12) {
    out += fmt::format("  PKCS#12:     {}, {}\n", *files.keystore_p12, *files.truststore_p12);
  }
  if (files.keystore_jks) {
    out += fmt::format("  JKS:         {}, {}\n", *files.keystore_jks, *files.truststore_jks);
  }
  if (files.server_properties) {
    out +=
        fmt::format("  broker:      {} (merge into server.properties)\n", *files.server_properties);
  }
  if (files.kubernetes_secret) {
    out += fmt::format("  Kubernetes:  {}{}\n", *files.kubernetes_secret,
                       files.strimzi_ca ? ", " + *files.strimzi_ca : "");
  }
  if (files.password_file) {
    out += fmt::format("  password:    {} (generated; mode 0600)\n", *files.password_file);
  }
  return out;
}

}  // namespace certmint
