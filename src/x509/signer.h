// The signer interface: the one way a CA's private key is used.
//
// A CA signs three things: certificates (RFC 5280 §4), CRLs (§5) and OCSP
// responses (RFC 6960 §4.2.1). Every one of them goes through a Signer, so
// that the key may be a key decrypted from the CA's file (KeySigner) today
// and a key held in a PKCS#11 token tomorrow, without any caller changing.
// The signer never hands its private key out.
#pragma once

#include <openssl/ocsp.h>
#include <openssl/x509.h>

#include <memory>

#include "core/error.h"
#include "keys/key_spec.h"
#include "keys/private_key.h"
#include "x509/certificate.h"

namespace certmint {

class Signer {
 public:
  virtual ~Signer() = default;

  // The public half of the signing key (owned by the signer): what the CA
  // certificate carries and what verifies every signature made here.
  virtual const EVP_PKEY* PublicKey() const = 0;
  // The signing key's type, e.g. for `ca rotate` to keep it by default.
  virtual KeySpec Spec() const = 0;

  // Sets the signature algorithm and signs `tbs` in place (X509_sign).
  virtual Status SignCertificate(X509* tbs) const = 0;
  // Signs a CRL in place (X509_CRL_sign).
  virtual Status SignCrl(X509_CRL* tbs) const = 0;
  // Signs a BasicOCSPResponse in place, naming `responder` as the signer
  // (responderID by key hash) and including it in `certs` of the response.
  virtual Status SignOcspResponse(OCSP_BASICRESP* tbs, const Certificate& responder) const = 0;
};

// The digest a key signs with (certificates, CRLs, OCSP responses): none for
// Ed25519/Ed448 (PureEdDSA), SHA-384 for P-384 and P-521 keys (matching the
// curve's strength, RFC 5480 §4), SHA-256 otherwise.
const EVP_MD* SignatureDigest(const EVP_PKEY* key);

// A signer holding its private key in memory (the CA key decrypted from
// ca.key, or a delegated responder's key).
std::shared_ptr<const Signer> MakeKeySigner(PrivateKey key);

// Whether `cert` certifies the signer's key.
bool CertifiesSigner(const Certificate& cert, const Signer& signer);

}  // namespace certmint
