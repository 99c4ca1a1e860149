#include "x509/signer.h"

#include <openssl/evp.h>

#include <string>

#include "core/ossl.h"

namespace certmint {
namespace {

class KeySigner final : public Signer {
 public:
  explicit KeySigner(PrivateKey key) : key_(std::move(key)) {}

  const EVP_PKEY* PublicKey() const override { return key_.native(); }
  KeySpec Spec() const override { return key_.Spec(); }

  Status SignCertificate(X509* tbs) const override {
    if (X509_sign(tbs, key_.native(), SignatureDigest(key_.native())) <= 0) {
      return OpenSslError(ErrorCode::kInternal, "signing the certificate failed");
    }
    return {};
  }

  Status SignCrl(X509_CRL* tbs) const override {
    if (X509_CRL_sign(tbs, key_.native(), SignatureDigest(key_.native())) <= 0) {
      return OpenSslError(ErrorCode::kInternal, "signing the CRL failed");
    }
    return {};
  }

  Status SignOcspResponse(OCSP_BASICRESP* tbs, const Certificate& responder) const override {
    // RFC 6960 §4.2.2.3: responderID byKey; the responder's certificate goes
    // into `certs` so that a client can check its delegation.
    if (OCSP_basic_sign(tbs, responder.native(), key_.native(), SignatureDigest(key_.native()),
                        nullptr, OCSP_RESPID_KEY) != 1) {
      return OpenSslError(ErrorCode::kInternal, "signing the OCSP response failed");
    }
    return {};
  }

 private:
  PrivateKey key_;
};

}  // namespace

const EVP_MD* SignatureDigest(const EVP_PKEY* key) {
  const KeyDescription d = DescribePublicKey(key);
  if (d.algorithm == "Ed25519" || d.algorithm == "Ed448") {
    return nullptr;
  }
  if (d.algorithm == "EC" && (d.curve == "P-384" || d.curve == "P-521")) {
    return EVP_sha384();
  }
  return EVP_sha256();
}

std::shared_ptr<const Signer> MakeKeySigner(PrivateKey key) {
  return std::make_shared<KeySigner>(std::move(key));
}

bool CertifiesSigner(const Certificate& cert, const Signer& signer) {
  EVP_PKEY* cert_key = X509_get0_pubkey(cert.native());
  return cert_key != nullptr && EVP_PKEY_eq(cert_key, signer.PublicKey()) == 1;
}

}  // namespace certmint
