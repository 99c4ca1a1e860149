#include "ca/sign_csr_file.h"

#include <fmt/format.h>

#include "ca/authority.h"
#include "ca/csr_policy.h"
#include "ca/identity_name.h"
#include "ca/request_signing.h"
#include "core/fs.h"

namespace certmint {

Result<CertificateRequest> LoadRequestToSign(const std::string& path,
                                             const Result<SubjectAltNames>& allowed) {
  CM_ASSIGN_OR_RETURN(auto data, fs::ReadFile(path, 1 << 20));
  CM_ASSIGN_OR_RETURN(auto request, WithContext(CertificateRequest::Parse(data), path));
  auto refusal =
      FindCsrRefusal(request, {allowed.value_or(SubjectAltNames{}), "--dns/--ip", std::nullopt});
  if (refusal && (allowed || refusal->reason != CsrRefusalReason::kNamesNotAllowed)) {
    return tl::unexpected(refusal->ToError().AddContext(path));
  }
  CM_RETURN_IF_ERROR(allowed);
  return request;
}

Result<Certificate> SignRequestFile(const CertificateRequest& request,
                                    const SignRequestFileOptions& options) {
  const std::string name =
      !options.name.empty() ? options.name : options.profile.subject.CommonNameValue();
  if (name.empty()) {
    return MakeError(ErrorCode::kInvalidArgument, "the subject has no CN: give --name");
  }
  CM_RETURN_IF_ERROR(
      WithContext(ValidateNodeName(name), "the name to record (--name, else the subject's CN)"));
  if (fs::Exists(options.out)) {
    return MakeError(ErrorCode::kAlreadyExists, fmt::format("{} already exists", options.out));
  }
  CM_RETURN_IF_ERROR(CertificateAuthority::LoadCertificate(options.ca_dir));
  CM_ASSIGN_OR_RETURN(auto ca_password, options.ca_password());
  CM_ASSIGN_OR_RETURN(auto ca, CertificateAuthority::Load(options.ca_dir, ca_password));
  return SignRequestToFile(ca, request, name, options.profile, options.out);
}

}  // namespace certmint
