#include "identity/properties.h"

#include <fmt/format.h>
#include <openssl/crypto.h>

#include <cstdint>
#include <vector>

#include "core/encoding.h"
#include "core/fs.h"
#include "stores/jks.h"

namespace certmint {
namespace {

// Java properties escaping (java.util.Properties#store), for a file that
// Kafka reads with Properties.load(InputStream), which decodes ISO 8859-1:
// backslash, the separators, comment starters and a leading space get a
// backslash; tab, line breaks and form feed their escapes; every UTF-16 unit
// outside ASCII (a UTF-8 install path) a \uXXXX escape, so that Java sees the
// same characters. Bytes that are not UTF-8 are taken as ISO 8859-1.
// The value may be the store password: every copy made here is wiped.
std::string EscapeProperty(std::string_view v) {
  std::vector<uint16_t> units;
  units.reserve(v.size());
  if (auto utf16 = PasswordUtf16Be(v)) {
    for (size_t i = 0; i + 1 < utf16->size(); i += 2) {
      units.push_back(static_cast<uint16_t>((*utf16)[i] << 8 | (*utf16)[i + 1]));
    }
  } else {
    units.assign(v.begin(), v.end());
    for (auto& u : units) {
      u &= 0xFF;
    }
  }
  std::string out;
  for (size_t i = 0; i < units.size(); ++i) {
    const uint16_t c = units[i];
    if (c >= 0x80) {
      out += fmt::format("\\u{:04X}", c);
      continue;
    }
    switch (c) {
      case '\t':
        out += "\\t";
        continue;
      case '\n':
        out += "\\n";
        continue;
      case '\r':
        out += "\\r";
        continue;
      case '\f':
        out += "\\f";
        continue;
      default:
        break;
    }
    if (c == '\\' || c == '=' || c == ':' || c == '#' || c == '!' || (c == ' ' && i == 0)) {
      out.push_back('\\');
    }
    out.push_back(static_cast<char>(c));
  }
  OPENSSL_cleanse(units.data(), units.size() * sizeof(uint16_t));
  return out;
}

std::string InstalledPath(const std::string& install_dir, const std::string& file) {
  return install_dir + "/" + fs::Basename(file);
}

}  // namespace

std::string KafkaProperties(const IdentityFiles& files, const std::string& install_dir, Role role,
                            const SecretString& password) {
  const bool p12 = files.keystore_p12.has_value();
  const std::string type = p12 ? "PKCS12" : "JKS";
  const std::string ks =
      InstalledPath(install_dir, p12 ? *files.keystore_p12 : *files.keystore_jks);
  const std::string ts =
      InstalledPath(install_dir, p12 ? *files.truststore_p12 : *files.truststore_jks);
  std::string pw = EscapeProperty(password.reveal());
  std::string out =
      "# Written by certmint. It holds the store password: keep it readable by Kafka only.\n"
      "security.protocol=SSL\n";
  out += "ssl.keystore.type=" + type + "\n";
  out += "ssl.keystore.location=" + EscapeProperty(ks) + "\n";
  out += "ssl.keystore.password=" + pw + "\n";
  out += "ssl.key.password=" + pw + "\n";
  out += "ssl.truststore.type=" + type + "\n";
  out += "ssl.truststore.location=" + EscapeProperty(ts) + "\n";
  out += "ssl.truststore.password=" + pw + "\n";
  out += "ssl.endpoint.identification.algorithm=https\n";
  Cleanse(pw);
  if (role != Role::kClient) {
    out += "# Brokers: require a client certificate (mTLS).\nssl.client.auth=required\n";
  }
  return out;
}

std::string LibrdkafkaProperties(const IdentityFiles& files, const std::string& install_dir,
                                 const SecretString& password) {
  std::string out =
      "# Written by certmint for librdkafka (C/C++, Python, Go, .NET clients). It holds the "
      "store\n# password: keep it private.\n"
      "security.protocol=ssl\n";
  out += "ssl.ca.location=" + InstalledPath(install_dir, files.ca_certificate) + "\n";
  if (files.key) {
    out += "ssl.certificate.location=" + InstalledPath(install_dir, *files.chain) + "\n";
    out += "ssl.key.location=" + InstalledPath(install_dir, *files.key) + "\n";
    out += "ssl.key.password=" + std::string(password.reveal()) + "\n";
  } else {
    out += "ssl.keystore.location=" + InstalledPath(install_dir, *files.keystore_p12) + "\n";
    out += "ssl.keystore.password=" + std::string(password.reveal()) + "\n";
  }
  out += "ssl.endpoint.identification.algorithm=https\n";
  return out;
}

}  // namespace certmint
