// A CA key held in a PKCS#11 token (an HSM, a smart card, SoftHSM): where
// it is, making it there, and signing with it through the Signer interface
// (x509/signer.h) without the key ever leaving the token.
#pragma once

#include <memory>
#include <string>

#include "core/error.h"
#include "core/secret.h"
#include "keys/key_spec.h"
#include "pkcs11/uri.h"
#include "x509/signer.h"

namespace certmint {

// Where a key lives: the PKCS#11 module (a shared library) and the key's URI.
struct TokenKeyRef {
  std::string module;  // absolute path of the module's .so
  Pkcs11Uri uri;
};

// The module used when --pkcs11-module is not given: p11-kit's proxy, which
// reaches every module registered with p11-kit (/usr/share/p11-kit/modules),
// when it is installed; else SoftHSM2's module. The CA directory records the
// path chosen, so that a later p11-kit install does not change it.
std::string DefaultPkcs11Module();

// What PrepareTokenKey found or made.
struct TokenKeyReport {
  bool generated = false;  // false: a key already in the token is used
  KeySpec spec;            // the key's type
};

// PrepareTokenKey logs in to the token named by `ref.uri` with `pin` and
// finds the private key the URI names, used as it is (whatever its type);
// when there is none it generates one of type `spec` (EC P-256/P-384 or
// RSA; not Ed25519) inside the token: CKA_TOKEN, CKA_PRIVATE, CKA_SENSITIVE
// true and CKA_EXTRACTABLE false, so that the token never lets its value
// out, labelled and identified as the URI says (a random 16-byte CKA_ID,
// written into `ref.uri`, when the URI gives none). Errors: kNotFound (the
// module's file, or no token with that label), kInvalidData (not a loadable
// PKCS#11 module, or the token refused to generate), kBadPassword (the token
// refused the PIN, or it is locked), kInvalidArgument (Ed25519, or more than
// one key matching the URI).
Result<TokenKeyReport> PrepareTokenKey(TokenKeyRef& ref, const KeySpec& spec,
                                       const SecretString& pin);

// OpenTokenSigner logs in to the token with `pin` (not kept) and returns a
// signer for the key `ref` names; signing happens in the token. The module
// stays loaded, and the token logged in, for the life of the process
// (unloading a module finalizes it for every user in the process). Errors as
// for PrepareTokenKey, and kNotFound when the token has no such key.
Result<std::shared_ptr<const Signer>> OpenTokenSigner(const TokenKeyRef& ref,
                                                      const SecretString& pin);

}  // namespace certmint
