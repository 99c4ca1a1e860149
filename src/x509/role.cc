#include "x509/role.h"

#include <fmt/format.h>
#include <openssl/x509v3.h>

#include <cstring>
#include <optional>

#include "core/ossl.h"

namespace certmint {

Result<Role> ParseRole(std::string_view text) {
  if (text == "server") {
    return Role::kServer;
  }
  if (text == "client") {
    return Role::kClient;
  }
  if (text == "both") {
    return Role::kBoth;
  }
  if (text == "admin") {
    return Role::kAdmin;
  }
  return MakeError(ErrorCode::kInvalidArgument,
                   fmt::format("unknown role '{}' (expected server, client, both or admin)",
                               PrintableBytes(text, 40)));
}

bool HasServerAuth(Role role) { return role == Role::kServer || role == Role::kBoth; }

namespace {

// The role an extendedKeyUsage grants, as OpenSSL's X509_get_extended_key_usage
// reads it: no extension (null) means every purpose; else serverAuth and
// clientAuth count, and kAdminEkuOid beside clientAuth alone makes an admin.
Role RoleFromEku(const EXTENDED_KEY_USAGE* eku) {
  if (eku == nullptr) {
    return Role::kBoth;
  }
  const ossl::Asn1ObjectPtr admin_oid(OBJ_txt2obj(std::string(kAdminEkuOid).c_str(), 1));
  bool server = false;
  bool client = false;
  bool admin = false;
  for (int i = 0; i < sk_ASN1_OBJECT_num(eku); ++i) {
    const ASN1_OBJECT* purpose = sk_ASN1_OBJECT_value(eku, i);
    server = server || OBJ_obj2nid(purpose) == NID_server_auth;
    client = client || OBJ_obj2nid(purpose) == NID_client_auth;
    admin = admin || (admin_oid && OBJ_cmp(purpose, admin_oid.get()) == 0);
  }
  if (client && !server && admin) {
    return Role::kAdmin;
  }
  return server == client ? Role::kBoth : server ? Role::kServer : Role::kClient;
}

// One DER element within [p, end): its tag, class and contents.
struct Element {
  int tag = 0;
  int cls = 0;
  const unsigned char* body = nullptr;
  long size = 0;
  const unsigned char* next = nullptr;
};

std::optional<Element> ReadElement(const unsigned char* p, const unsigned char* end) {
  Element e;
  const unsigned char* q = p;
  const int r = ASN1_get_object(&q, &e.size, &e.tag, &e.cls, end - p);
  if ((r & 0x80) != 0 || r == 0x21) {  // an error, or indefinite length (not DER)
    ClearOpenSslErrors();
    return std::nullopt;
  }
  e.body = q;
  e.next = q + e.size;
  return e;
}

// The extnValue of the extendedKeyUsage extension in `extensions` (the
// Extensions SEQUENCE's contents); nullopt when there is none.
std::optional<Element> FindEkuValue(const unsigned char* p, const unsigned char* end) {
  static constexpr unsigned char kEkuOid[] = {0x55, 0x1D, 0x25};  // 2.5.29.37
  for (auto ext = ReadElement(p, end); ext; ext = ReadElement(ext->next, end)) {
    const unsigned char* ext_end = ext->next;
    auto oid = ReadElement(ext->body, ext_end);
    if (!oid || oid->tag != V_ASN1_OBJECT) {
      return std::nullopt;
    }
    if (oid->size != sizeof(kEkuOid) || memcmp(oid->body, kEkuOid, sizeof(kEkuOid)) != 0) {
      continue;
    }
    auto value = ReadElement(oid->next, ext_end);
    if (value && value->tag == V_ASN1_BOOLEAN) {  // critical
      value = ReadElement(value->next, ext_end);
    }
    return value && value->tag == V_ASN1_OCTET_STRING ? value : std::nullopt;
  }
  return std::nullopt;
}

}  // namespace

Role RoleOf(const Certificate& cert) {
  ossl::ExtendedKeyUsagePtr eku(static_cast<EXTENDED_KEY_USAGE*>(
      X509_get_ext_d2i(cert.native(), NID_ext_key_usage, nullptr, nullptr)));
  ClearOpenSslErrors();
  return RoleFromEku(eku.get());
}

// Certificate ::= SEQUENCE { tbsCertificate SEQUENCE { ..., extensions [3]
// EXPLICIT Extensions OPTIONAL }, ... } (RFC 5280 §4.1).
Result<Role> RoleOfDer(std::string_view der) {
  const auto* begin = reinterpret_cast<const unsigned char*>(der.data());
  const unsigned char* end = begin + der.size();
  const auto cert = ReadElement(begin, end);
  const auto tbs = cert ? ReadElement(cert->body, cert->next) : std::nullopt;
  if (!tbs || cert->tag != V_ASN1_SEQUENCE || tbs->tag != V_ASN1_SEQUENCE) {
    return MakeError(ErrorCode::kInvalidData, "not a DER certificate");
  }
  for (auto field = ReadElement(tbs->body, tbs->next); field;
       field = field->next == tbs->next ? std::nullopt : ReadElement(field->next, tbs->next)) {
    if (field->cls != V_ASN1_CONTEXT_SPECIFIC || field->tag != 3) {
      continue;
    }
    const auto extensions = ReadElement(field->body, field->next);
    const auto value = extensions ? FindEkuValue(extensions->body, extensions->next) : std::nullopt;
    if (!value) {
      return RoleFromEku(nullptr);
    }
    const unsigned char* p = value->body;
    ossl::ExtendedKeyUsagePtr eku(d2i_EXTENDED_KEY_USAGE(nullptr, &p, value->size));
    ClearOpenSslErrors();
    return RoleFromEku(eku.get());
  }
  return RoleFromEku(nullptr);
}

std::string_view RoleName(Role role) {
  switch (role) {
    case Role::kServer:
      return "server";
    case Role::kClient:
      return "client";
    case Role::kBoth:
      return "both";
    case Role::kAdmin:
      return "admin";
  }
  return "?";
}

}  // namespace certmint
