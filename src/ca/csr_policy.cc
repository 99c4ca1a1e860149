#include "ca/csr_policy.h"

#include <fmt/format.h>

namespace certmint {

std::string_view CsrRefusalReasonName(CsrRefusalReason reason) {
  switch (reason) {
    case CsrRefusalReason::kBadSignature:
      return "bad_signature";
    case CsrRefusalReason::kRequestsCa:
      return "requests_ca";
    case CsrRefusalReason::kUnacceptableKey:
      return "unacceptable_key";
    case CsrRefusalReason::kNameMismatch:
      return "name_mismatch";
    case CsrRefusalReason::kNamesNotAllowed:
      return "names_not_allowed";
  }
  return "unknown";
}

Error CsrRefusal::ToError() const { return Error(ErrorCode::kInvalidData, message); }

std::optional<CsrRefusal> FindCsrRefusal(const CertificateRequest& request,
                                         const CsrPolicy& policy) {
  if (!request.SignatureValid()) {
    return CsrRefusal{CsrRefusalReason::kBadSignature,
                      "the request's signature does not verify (altered, or not made with the "
                      "key it carries)",
                      ""};
  }
  if (request.RequestsCa()) {
    return CsrRefusal{CsrRefusalReason::kRequestsCa,
                      "the request asks for basicConstraints CA:TRUE; certmint signs node "
                      "certificates only",
                      ""};
  }
  if (auto key = CheckRequestKey(request.PublicKey()); !key) {
    return CsrRefusal{CsrRefusalReason::kUnacceptableKey, key.error().message(),
                      DescribePublicKey(request.PublicKey()).ToString()};
  }
  if (policy.common_name) {
    const std::string cn = request.Subject().CommonNameValue();
    if (!cn.empty() && cn != *policy.common_name) {
      return CsrRefusal{CsrRefusalReason::kNameMismatch,
                        fmt::format("the request's CN '{}' is not '{}'", cn, *policy.common_name),
                        cn};
    }
  }
  const std::string extra = NamesOutside(request.RequestedSans(), policy.allowed);
  if (!extra.empty()) {
    return CsrRefusal{
        CsrRefusalReason::kNamesNotAllowed,
        fmt::format("the request asks for {}, which {} do not allow", extra, policy.allowed_by),
        extra};
  }
  return std::nullopt;
}

Status CheckCertificateRequest(const CertificateRequest& request, const CsrPolicy& policy) {
  if (auto refusal = FindCsrRefusal(request, policy)) {
    return tl::unexpected(refusal->ToError());
  }
  return {};
}

}  // namespace certmint
