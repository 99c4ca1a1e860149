#include "identity/kafka_settings.h"

#include <fmt/format.h>
#include <openssl/objects.h>
#include <openssl/x509.h>

#include <cctype>

#include "core/encoding.h"
#include "core/ossl.h"

namespace certmint {
namespace {

// The keywords java.security.cert.X500Principal.getName() (RFC 2253) writes;
// any other attribute type is written as its dotted OID.
const char* JavaKeyword(int nid) {
  switch (nid) {
    case NID_commonName:
      return "CN";
    case NID_countryName:
      return "C";
    case NID_localityName:
      return "L";
    case NID_stateOrProvinceName:
      return "ST";
    case NID_organizationName:
      return "O";
    case NID_organizationalUnitName:
      return "OU";
    case NID_streetAddress:
      return "STREET";
    case NID_domainComponent:
      return "DC";
    case NID_userId:
      return "UID";
    default:
      return nullptr;
  }
}

// The string types Java writes as text (AVA.isDerString, not canonical).
bool JavaWritesAsText(int type) {
  switch (type) {
    case V_ASN1_PRINTABLESTRING:
    case V_ASN1_T61STRING:
    case V_ASN1_IA5STRING:
    case V_ASN1_GENERALSTRING:
    case V_ASN1_UTF8STRING:
    case V_ASN1_BMPSTRING:
    case V_ASN1_UNIVERSALSTRING:
      return true;
    default:
      return false;
  }
}

// AVA.toRFC2253String's escaping: a backslash before each of ,=+<>#;"\ and
// before leading and trailing spaces (and carriage returns), NUL as \00.
std::string JavaEscape(const std::string& value) {
  static constexpr std::string_view kEscapees = ",=+<>#;\"\\";
  std::string escaped;
  for (char c : value) {
    if (kEscapees.find(c) != std::string_view::npos) {
      escaped += '\\';
      escaped += c;
    } else if (c == '\0') {
      escaped += "\\00";
    } else {
      escaped += c;
    }
  }
  size_t lead = 0;
  while (lead < escaped.size() && (escaped[lead] == ' ' || escaped[lead] == '\r')) {
    ++lead;
  }
  size_t trail = escaped.size();
  while (trail > lead && (escaped[trail - 1] == ' ' || escaped[trail - 1] == '\r')) {
    --trail;
  }
  std::string out;
  for (size_t i = 0; i < escaped.size(); ++i) {
    if (i < lead || i >= trail) {
      out += '\\';
    }
    out += escaped[i];
  }
  return out;
}

// One attribute as Java writes it: KEYWORD=escaped text, or OID=#hex of the
// value's DER encoding.
std::string JavaAttribute(const X509_NAME_ENTRY* entry) {
  const ASN1_OBJECT* object = X509_NAME_ENTRY_get_object(entry);
  const ASN1_STRING* data = X509_NAME_ENTRY_get_data(entry);
  const char* keyword = JavaKeyword(OBJ_obj2nid(object));
  if (keyword != nullptr && JavaWritesAsText(ASN1_STRING_type(data))) {
    unsigned char* utf8 = nullptr;
    const int len = ASN1_STRING_to_UTF8(&utf8, data);
    if (len >= 0) {
      std::string value(reinterpret_cast<char*>(utf8), static_cast<size_t>(len));
      OPENSSL_free(utf8);
      return fmt::format("{}={}", keyword, JavaEscape(value));
    }
    ClearOpenSslErrors();
  }
  char oid[128];
  OBJ_obj2txt(oid, sizeof(oid), object, 1);
  // The value as a DER TLV: its type's tag, then its content.
  std::unique_ptr<ASN1_TYPE, ossl::Deleter<ASN1_TYPE_free>> any(ASN1_TYPE_new());
  std::string hex;
  if (any && ASN1_TYPE_set1(any.get(), ASN1_STRING_type(data), data) == 1) {
    unsigned char* der = nullptr;
    const int len = i2d_ASN1_TYPE(any.get(), &der);
    for (int i = 0; i < len; ++i) {
      hex += fmt::format("{:02x}", der[i]);
    }
    OPENSSL_free(der);
  }
  ClearOpenSslErrors();
  return fmt::format("{}=#{}", keyword != nullptr ? keyword : oid, hex);
}

}  // namespace

std::string KafkaServerSettings::ListenerName() const {
  return !listener.empty() ? listener
         : controller      ? kDefaultControllerListener
                           : kDefaultBrokerListener;
}

int KafkaServerSettings::Port() const {
  return port != 0 ? port : controller ? kDefaultControllerPort : kDefaultBrokerPort;
}

Result<std::string> ParseListenerName(std::string_view text) {
  std::string out;
  for (char c : text) {
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '_') {
      return MakeError(ErrorCode::kInvalidArgument,
                       fmt::format("'{}' is not a listener name (letters, digits and _)",
                                   PrintableBytes(text, 80)));
    }
    out += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  }
  if (out.empty() || out.size() > 64) {
    return MakeError(ErrorCode::kInvalidArgument,
                     "a listener name has 1 to 64 letters, digits and _");
  }
  return out;
}

std::string KafkaPrincipalName(const DistinguishedName& subject) {
  const X509_NAME* name = subject.native();
  std::string out;
  // RFC 2253 §2.1: the last RDN of the sequence first.
  for (int i = X509_NAME_entry_count(name) - 1; i >= 0; --i) {
    if (!out.empty()) {
      out += ',';
    }
    out += JavaAttribute(X509_NAME_get_entry(name, i));
  }
  return out;
}

nlohmann::json KafkaSettingsJson(const KafkaServerSettings& s) {
  return {{"controller", s.controller},
          {"listener", s.listener},
          {"port", s.port},
          {"host", s.host},
          {"super_users", s.super_users},
          {"controller_listener", s.controller_listener},
          {"controllers", s.controllers}};
}

Result<KafkaServerSettings> ParseKafkaSettingsJson(const nlohmann::json& j) {
  try {
    KafkaServerSettings s;
    s.controller = j.at("controller").get<bool>();
    s.listener = j.at("listener").get<std::string>();
    s.port = j.at("port").get<int>();
    s.host = j.at("host").get<std::string>();
    s.super_users = j.at("super_users").get<std::vector<std::string>>();
    s.controller_listener = j.at("controller_listener").get<std::string>();
    s.controllers = j.at("controllers").get<std::vector<std::string>>();
    return s;
  } catch (const nlohmann::json::exception& e) {
    return MakeError(ErrorCode::kInvalidData, fmt::format("kafka settings: {}", e.what()));
  }
}

}  // namespace certmint
