#include "ca/unlock.h"

namespace certmint {

Result<CertificateAuthority> UnlockCa(const std::string& dir, const CaPasswordSource& password) {
  CM_RETURN_IF_ERROR(CertificateAuthority::LoadCertificate(dir));
  CM_ASSIGN_OR_RETURN(auto pw, password());
  return CertificateAuthority::Load(dir, pw);
}

}  // namespace certmint
