#include "x509/role.h"

#include <fmt/format.h>
#include <openssl/x509v3.h>

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

// Whether the certificate's extendedKeyUsage lists kAdminEkuOid.
bool HasAdminPurpose(const Certificate& cert) {
  ossl::ExtendedKeyUsagePtr eku(static_cast<EXTENDED_KEY_USAGE*>(
      X509_get_ext_d2i(cert.native(), NID_ext_key_usage, nullptr, nullptr)));
  ClearOpenSslErrors();
  if (!eku) {
    return false;
  }
  const ossl::Asn1ObjectPtr admin(OBJ_txt2obj(std::string(kAdminEkuOid).c_str(), 1));
  for (int i = 0; admin && i < sk_ASN1_OBJECT_num(eku.get()); ++i) {
    if (OBJ_cmp(sk_ASN1_OBJECT_value(eku.get(), i), admin.get()) == 0) {
      return true;
    }
  }
  return false;
}

}  // namespace

Role RoleOf(const Certificate& cert) {
  const uint32_t xku = X509_get_extended_key_usage(cert.native());
  ClearOpenSslErrors();
  const bool server = (xku & XKU_SSL_SERVER) != 0;
  const bool client = (xku & XKU_SSL_CLIENT) != 0;
  if (client && !server && HasAdminPurpose(cert)) {
    return Role::kAdmin;
  }
  return server == client ? Role::kBoth : server ? Role::kServer : Role::kClient;
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
