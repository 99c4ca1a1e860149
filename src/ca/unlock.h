// Opening a CA to sign with: its certificate first, then its password, then
// its key.
#pragma once

#include <functional>
#include <string>

#include "ca/authority.h"
#include "core/error.h"
#include "core/secret.h"

namespace certmint {

// Where the CA key's password comes from (a file, the environment, a
// prompt); called at most once.
using CaPasswordSource = std::function<Result<SecretString>()>;

// UnlockCa loads the CA in `dir` to sign with. Its certificate is loaded
// first, so that a mistyped or empty directory fails with
// CertificateAuthority::LoadCertificate's error before any password is asked
// for; then `password` is called and its error returned as is; then the key
// is decrypted with it (CertificateAuthority::Load's error when it is wrong).
Result<CertificateAuthority> UnlockCa(const std::string& dir, const CaPasswordSource& password);

}  // namespace certmint
