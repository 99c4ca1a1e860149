#include "identity/issue_to_dir.h"

#include <fmt/format.h>

#include "ca/authority.h"
#include "ca/crl.h"
#include "ca/issuer.h"
#include "core/fs.h"
#include "inventory/inventory.h"

namespace certmint {

Result<IssuedToDir> IssueIdentityToDir(IssueToDirRequest request) {
  const std::string& name = request.identity.name;
  const IdentityFiles paths = IdentityPaths(request.out_dir, name, request.output);
  if (fs::Exists(paths.dir)) {
    return MakeError(ErrorCode::kAlreadyExists,
                     fmt::format("{} already exists; refusing to overwrite (renew it: certmint "
                                 "renew {} --dir {} --out {})",
                                 paths.dir, name, request.ca_dir, request.out_dir));
  }
  CM_RETURN_IF_ERROR(CertificateAuthority::LoadCertificate(request.ca_dir));
  CM_ASSIGN_OR_RETURN(auto secrets, request.secrets());
  CM_ASSIGN_OR_RETURN(auto ca, CertificateAuthority::Load(request.ca_dir, secrets.ca_password));
  secrets.ca_password.clear();

  CM_ASSIGN_OR_RETURN(auto inventory, OpenInventory(request.ca_dir));
  request.output.write_password_file = secrets.store.generated;
  CM_ASSIGN_OR_RETURN(request.output.trust, TrustAnchors(request.ca_dir));
  request.output.crl_pem =
      PublishedCrlPem(request.ca_dir, request.output.trust, request.identity.now);
  IdentityFiles files;
  const auto deploy = [&](const Identity& issued) -> Status {
    CM_ASSIGN_OR_RETURN(
        files, WriteIdentity(request.out_dir, issued, secrets.store.password, request.output));
    return {};
  };
  CM_ASSIGN_OR_RETURN(auto identity, WithContext(IssueIdentity(Issuer(ca, inventory.get()),
                                                               request.identity, deploy),
                                                 fmt::format("issuing {}", name)));
  return IssuedToDir{std::move(identity), std::move(files)};
}

}  // namespace certmint
