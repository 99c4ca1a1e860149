// Test inputs made by the openssl CLI, so that certmint is checked against
// another implementation's output, not only its own.
#pragma once

#include <string>

namespace certmint::testing {

// An EC P-256 key and a certificate request for CN=`cn` made by
//   openssl ecparam -name prime256v1 [-param_enc explicit] -genkey -out key.pem
//   openssl req -new -key key.pem -subj /CN=cn -out req.csr
// With `explicit_parameters` the key spells the curve out (specifiedCurve)
// instead of naming it, which RFC 5480 forbids in certificates.
struct OpensslEcRequest {
  std::string key_pem;
  std::string csr_pem;
};
OpensslEcRequest MakeOpensslEcRequest(bool explicit_parameters, const std::string& cn = "node-1");

}  // namespace certmint::testing
