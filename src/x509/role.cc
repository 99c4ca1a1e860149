#include "x509/role.h"

#include <fmt/format.h>
#include <openssl/x509v3.h>

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
  return MakeError(
      ErrorCode::kInvalidArgument,
      fmt::format("unknown role '{}' (expected server, client or both)", PrintableBytes(text, 40)));
}

Role RoleOf(const Certificate& cert) {
  const uint32_t xku = X509_get_extended_key_usage(cert.native());
  ClearOpenSslErrors();
  const bool server = (xku & XKU_SSL_SERVER) != 0;
  const bool client = (xku & XKU_SSL_CLIENT) != 0;
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
  }
  return "?";
}

}  // namespace certmint
