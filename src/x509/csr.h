// PKCS#10 certificate requests (RFC 2986): the seed's split flow, where a
// node's key never leaves the node.
#pragma once

#include <string>
#include <string_view>

#include "core/error.h"
#include "core/ossl.h"
#include "keys/private_key.h"
#include "x509/general_names.h"
#include "x509/name.h"

namespace certmint {

// A signed request for `subject`, asking for `sans`, in PEM.
Result<std::string> MakeCsrPem(const PrivateKey& key, const DistinguishedName& subject,
                               const SubjectAltNames& sans);

// The names in `asked` that `allowed` does not hold, as "DNS:a, IP:b" (DNS
// names compared case-insensitively); empty when `asked` is a subset.
std::string NamesOutside(const SubjectAltNames& asked, const SubjectAltNames& allowed);

// Whether a request's key is one certmint issues for: RSA of 2048 bits or
// more, EC P-256 or P-384 by name (CheckNamedCurve), Ed25519. kInvalidData
// naming the key otherwise.
Status CheckRequestKey(const EVP_PKEY* key);

class CertificateRequest {
 public:
  // PEM ("CERTIFICATE REQUEST" or "NEW CERTIFICATE REQUEST", as keytool
  // writes) or DER. kInvalidData when malformed.
  static Result<CertificateRequest> Parse(std::string_view data);

  DistinguishedName Subject() const;
  // The public key, owned by the request.
  EVP_PKEY* PublicKey() const;
  bool SignatureValid() const;
  SubjectAltNames RequestedSans() const;
  // Whether the request asks for basicConstraints CA:TRUE.
  bool RequestsCa() const;

 private:
  explicit CertificateRequest(ossl::X509ReqPtr req) : req_(std::move(req)) {}
  std::shared_ptr<X509_REQ> req_;
};

}  // namespace certmint
