#include "identity/properties.h"

#include <fmt/format.h>
#include <openssl/crypto.h>
#include <openssl/x509v3.h>

#include <algorithm>
#include <cctype>
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

bool CarriesStatusLocations(const Certificate& certificate) {
  return X509_get_ext_by_NID(certificate.native(), NID_info_access, -1) >= 0 ||
         X509_get_ext_by_NID(certificate.native(), NID_crl_distribution_points, -1) >= 0;
}

std::string RevocationSecurityText() {
  return "# Written by certmint: Java security properties for revocation checking, loaded with\n"
         "# -Djava.security.properties (see kafka-opts.env beside this file).\n"
         "ocsp.enable=true\n";
}

std::string KafkaOptsText(const std::string& install_dir, const std::string& dir, Role role) {
  const std::string security =
      InstalledPath(install_dir, dir + "/" + std::string(kRevocationSecurityFile));
  std::string opts = "-Djava.security.properties=" + security +
                     " -Dcom.sun.net.ssl.checkRevocation=true"
                     " -Dcom.sun.security.enableCRLDP=true"
                     " -Dcom.sun.security.ocsp.timeout=2";
  if (HasServerAuth(role)) {
    opts += " -Djdk.tls.server.enableStatusRequestExtension=true";
  }
  return "# Written by certmint: the JVM settings that make Kafka (and any Java client using\n"
         "# kafka.properties) refuse revoked certificates, asking the CA service named in the\n"
         "# certificates (docs/revocation.md). Source it before kafka-server-start.sh, or give it\n"
         "# to systemd as EnvironmentFile=; add your own options after these.\n"
         "KAFKA_OPTS=\"" +
         opts + "\"\n";
}

namespace {

// The stores Java settings name: PKCS#12 when written, else JKS, at their
// installed paths.
struct JavaStores {
  std::string type;
  std::string keystore;
  std::string truststore;
};

JavaStores JavaStoresOf(const IdentityFiles& files, const std::string& install_dir) {
  const bool p12 = files.keystore_p12.has_value();
  return {p12 ? "PKCS12" : "JKS",
          InstalledPath(install_dir, p12 ? *files.keystore_p12 : *files.keystore_jks),
          InstalledPath(install_dir, p12 ? *files.truststore_p12 : *files.truststore_jks)};
}

}  // namespace

std::string KafkaProperties(const IdentityFiles& files, const std::string& install_dir, Role role,
                            const SecretString& password) {
  const auto [type, ks, ts] = JavaStoresOf(files, install_dir);
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
  if (HasServerAuth(role)) {
    out += "# Brokers: require a client certificate (mTLS).\nssl.client.auth=required\n";
  }
  return out;
}

namespace {

// The host a client reaches the node by: settings.host, else the first DNS
// name of the certificate other than the bare identity name (EffectiveSans
// puts that first), else its first IP address, else the name.
std::string AdvertisedHost(const Certificate& certificate, const std::string& name,
                           const KafkaServerSettings& settings) {
  if (!settings.host.empty()) {
    return settings.host;
  }
  const SubjectAltNames sans = certificate.Sans();
  for (const auto& d : sans.dns) {
    if (d != name) {
      return d;
    }
  }
  if (!sans.dns.empty()) {
    return sans.dns[0];
  }
  return sans.ips.empty() ? name : sans.ips[0];
}

// The listener-prefixed SSL settings of listener `prefix` (lower-cased
// listener name: Kafka's ListenerName.configPrefix).
std::string ListenerSslLines(const std::string& prefix, const std::string& type,
                             const std::string& ks, const std::string& ts,
                             const std::string& escaped_password) {
  const std::string p = "listener.name." + prefix + ".ssl.";
  std::string out;
  out += p + "keystore.type=" + type + "\n";
  out += p + "keystore.location=" + EscapeProperty(ks) + "\n";
  out += p + "keystore.password=" + escaped_password + "\n";
  out += p + "key.password=" + escaped_password + "\n";
  out += p + "truststore.type=" + type + "\n";
  out += p + "truststore.location=" + EscapeProperty(ts) + "\n";
  out += p + "truststore.password=" + escaped_password + "\n";
  out += p + "client.auth=required\n";
  out += p + "endpoint.identification.algorithm=https\n";
  return out;
}

// super.users: `principals`, each once, as User:PRINCIPAL joined by ';'.
Result<std::string> SuperUsers(const std::vector<std::string>& principals) {
  std::string out;
  std::vector<std::string> seen;
  for (const auto& p : principals) {
    if (std::find(seen.begin(), seen.end(), p) != seen.end()) {
      continue;
    }
    if (p.find(';') != std::string::npos) {
      return MakeError(ErrorCode::kInvalidArgument,
                       fmt::format("server.properties: the principal '{}' holds ';', which "
                                   "super.users cannot list (Kafka splits the list there)",
                                   PrintableBytes(p, 200)));
    }
    seen.push_back(p);
    out += (out.empty() ? "" : ";") + std::string("User:") + p;
  }
  return out;
}

std::string LowerAscii(std::string s) {
  for (auto& c : s) {
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  return s;
}

}  // namespace

Result<std::string> KafkaServerProperties(const IdentityFiles& files,
                                          const std::string& install_dir,
                                          const Certificate& certificate, const std::string& name,
                                          const KafkaServerSettings& settings,
                                          const SecretString& password) {
  const auto [type, ks, ts] = JavaStoresOf(files, install_dir);
  const std::string listener = settings.ListenerName();
  const std::string own = KafkaPrincipalName(certificate.Subject());
  std::vector<std::string> principals = settings.super_users;
  principals.push_back(own);
  CM_ASSIGN_OR_RETURN(auto super_users, SuperUsers(principals));
  const std::string endpoint = fmt::format("{}://:{}", listener, settings.Port());
  std::string out = fmt::format(
      "# Written by certmint for {}: the SSL lines of this {}'s server.properties.\n"
      "# Merge them into its configuration (docs/kafka.md). It holds the store password:\n"
      "# keep it readable by Kafka only.\n",
      name, settings.controller ? "KRaft controller" : "broker");
  std::string map = listener + ":SSL";
  // A broker reaches the controllers over their listener, with its own
  // certificate: the same stores under that listener's prefix.
  const bool to_controllers = !settings.controller && !settings.controller_listener.empty() &&
                              settings.controller_listener != listener;
  if (to_controllers) {
    map += "," + settings.controller_listener + ":SSL";
  }
  out += "listeners=" + EscapeProperty(endpoint) + "\n";
  if (settings.controller) {
    out += "controller.listener.names=" + listener + "\n";
  } else {
    out +=
        "advertised.listeners=" +
        EscapeProperty(fmt::format("{}://{}:{}", listener,
                                   AdvertisedHost(certificate, name, settings), settings.Port())) +
        "\n";
    out += "inter.broker.listener.name=" + listener + "\n";
    if (!settings.controller_listener.empty()) {
      out += "controller.listener.names=" + settings.controller_listener + "\n";
    }
  }
  out += "listener.security.protocol.map=" + EscapeProperty(map) + "\n";
  if (!settings.controllers.empty()) {
    std::string voters;
    for (const auto& c : settings.controllers) {
      voters += (voters.empty() ? "" : ",") + c;
    }
    out += "controller.quorum.bootstrap.servers=" + EscapeProperty(voters) + "\n";
  }
  std::string pw = EscapeProperty(password.reveal());
  out += ListenerSslLines(LowerAscii(listener), type, ks, ts, pw);
  if (to_controllers) {
    out += ListenerSslLines(LowerAscii(settings.controller_listener), type, ks, ts, pw);
  }
  Cleanse(pw);
  out +=
      "# Principals are certificate subjects as Java writes them (RFC 2253), unmapped:\n"
      "# ACLs name clients as User:<subject>, e.g. User:" +
      EscapeProperty(own) + "\n";
  out += "ssl.principal.mapping.rules=DEFAULT\n";
  out += "super.users=" + EscapeProperty(super_users) + "\n";
  return out;
}

namespace {

// One `key=value` line of librdkafka.properties, refused unless kcat -F reads
// `value` back as it is. kcat's reader (read_conf_file in kcat.c) has no
// escapes to write: it reads lines with fgets into 512 bytes (a longer line
// is cut into lines of its own), trims each line, and turns every "\:" and
// "\=" into ":" and "=" (again until none is left) before splitting at the
// first '='; librdkafka then skips white space at the start of the value.
// So a value holding a control character (a tab inside is kept), "\:" or
// "\=", or beginning or ending with white space, cannot be written; neither
// can a line over 511 bytes. A refused password is not shown.
Status AppendLibrdkafkaLine(std::string& out, std::string_view key, std::string_view value,
                            bool secret) {
  const auto refuse = [&](std::string_view why) {
    return MakeError(
        ErrorCode::kInvalidArgument,
        fmt::format("librdkafka.properties: {} {} {}, which kcat -F would not read back as written",
                    key, secret ? "(the store password)" : "'" + PrintableBytes(value, 200) + "'",
                    why));
  };
  for (unsigned char c : value) {
    if ((c < 0x20 && c != '\t') || c == 0x7f) {
      return refuse("holds a control character");
    }
  }
  if (value.find("\\=") != std::string_view::npos || value.find("\\:") != std::string_view::npos) {
    return refuse("holds a backslash before '=' or ':' (kcat drops that backslash)");
  }
  if (!value.empty() && (value.back() == ' ' || value.back() == '\t')) {
    return refuse("ends with white space (kcat trims it)");
  }
  if (!value.empty() && (value.front() == ' ' || value.front() == '\t')) {
    return refuse("begins with white space (librdkafka skips it)");
  }
  if (key.size() + 1 + value.size() > kKcatMaxLine) {
    return refuse(
        fmt::format("makes a line longer than the {} bytes kcat reads at once", kKcatMaxLine));
  }
  out.append(key).append("=").append(value).append("\n");
  return {};
}

// LibrdkafkaProperties' lines into `out`.
Status LibrdkafkaLines(const IdentityFiles& files, const std::string& install_dir,
                       const SecretString& password, std::string& out) {
  CM_RETURN_IF_ERROR(AppendLibrdkafkaLine(out, "ssl.ca.location",
                                          InstalledPath(install_dir, files.ca_certificate), false));
  if (files.key) {
    CM_RETURN_IF_ERROR(AppendLibrdkafkaLine(out, "ssl.certificate.location",
                                            InstalledPath(install_dir, *files.chain), false));
    CM_RETURN_IF_ERROR(AppendLibrdkafkaLine(out, "ssl.key.location",
                                            InstalledPath(install_dir, *files.key), false));
    if (!files.plain_key) {
      CM_RETURN_IF_ERROR(AppendLibrdkafkaLine(out, "ssl.key.password", password.reveal(), true));
    }
  } else {
    CM_RETURN_IF_ERROR(AppendLibrdkafkaLine(
        out, "ssl.keystore.location", InstalledPath(install_dir, *files.keystore_p12), false));
    CM_RETURN_IF_ERROR(AppendLibrdkafkaLine(out, "ssl.keystore.password", password.reveal(), true));
  }
  if (files.crl) {
    // librdkafka checks the broker's certificate against this CRL (it does
    // no online lookup) and refuses to start when the file is missing, or
    // to connect once the CRL's nextUpdate has passed: keep it fresh with
    // `certmint crl --server` or `renew --daemon` (docs/kafka.md).
    CM_RETURN_IF_ERROR(AppendLibrdkafkaLine(out, "ssl.crl.location",
                                            InstalledPath(install_dir, *files.crl), false));
  }
  return {};
}

}  // namespace

Result<std::string> LibrdkafkaProperties(const IdentityFiles& files, const std::string& install_dir,
                                         const SecretString& password) {
  std::string out =
      "# Written by certmint for librdkafka (C/C++, Python, Go, .NET clients). It holds the "
      "store\n# password: keep it private.\n"
      "security.protocol=ssl\n";
  if (auto st = LibrdkafkaLines(files, install_dir, password, out); !st) {
    Cleanse(out);
    return tl::unexpected(std::move(st).error());
  }
  // kcat -F skips this line (it takes it for a Java setting): harmless with
  // librdkafka 2.0 and later, whose default is https; other clients read it.
  out += "ssl.endpoint.identification.algorithm=https\n";
  return out;
}

}  // namespace certmint
