// Where the secret that opens a CA comes from, never argv: the CA key's
// password (--ca-password-file, $CERTMINT_CA_PASSWORD, a prompt) or, for a
// key in a PKCS#11 token (docs/hsm.md), the token's user PIN (--pin-file,
// $CERTMINT_PKCS11_PIN, a prompt). The commands and `serve`'s reload share
// this policy; how a secret is read is core/secret_source.h.
#pragma once

#include <string>

#include "ca/authority.h"
#include "core/error.h"
#include "core/secret.h"

namespace certmint {

inline constexpr const char* kCaPasswordEnv = "CERTMINT_CA_PASSWORD";
inline constexpr const char* kPkcs11PinEnv = "CERTMINT_PKCS11_PIN";
inline constexpr const char* kRootCaPasswordEnv = "CERTMINT_ROOT_CA_PASSWORD";

// The files a command was given for a CA's secret.
struct CaSecretFiles {
  std::string password_file;  // --ca-password-file; empty: none
  std::string pin_file;       // --pin-file; empty: none
};

// ReadTokenPin: the token's user PIN from `pin_file`, else
// $CERTMINT_PKCS11_PIN, else a no-echo prompt ("PROMPT: ").
Result<SecretString> ReadTokenPin(const std::string& pin_file,
                                  const std::string& prompt = "Token PIN");

// Whether an existing CA is opened with its token's PIN: the CA in `dir`
// keeps its key in a token. Without a directory (apply), when a PIN file is
// given, or when $CERTMINT_PKCS11_PIN is set and neither a password file nor
// $CERTMINT_CA_PASSWORD is.
bool OpensWithTokenPin(const CaSecretFiles& files, const std::string& dir);

// ReadCaSecret: for a new CA (`is_new`) the password, asked twice on a
// prompt; for an existing one the PIN when OpensWithTokenPin, else the
// password. kInvalidArgument naming the places when none has it.
Result<SecretString> ReadCaSecret(const CaSecretFiles& files, const std::string& dir, bool is_new);

// What `serve` reloads the CA in `dir` with (SIGHUP, a rotation): the file
// or variable read again, never a prompt (a typed secret is not kept).
Result<SecretString> ReadCaReloadSecret(const std::string& dir, const CaSecretFiles& files);

// `ca rotate`: the secret of the CA in `dir` being replaced.
Result<SecretString> ReadCurrentCaSecret(const std::string& dir, const CaSecretFiles& files);

// `ca init --intermediate`: the root's secret, from `root_password_file`
// (its password or its token's PIN), else for a token root the PIN
// (`pin_file`, ...), else $CERTMINT_ROOT_CA_PASSWORD or a prompt.
Result<SecretString> ReadRootCaSecret(const std::string& root_dir,
                                      const std::string& root_password_file,
                                      const std::string& pin_file);

// `ca init`: the new CA's secret: the PIN for a key in a token, else a new
// password.
Result<SecretString> ReadNewCaSecret(const CaSecretFiles& files, bool in_token);

// `ca rotate`: the new CA's secret: the PIN for a key in a token; for a file
// key `new_password_file`, else the current CA's password (a file key),
// else a new password (the current key is in a token).
Result<SecretString> ReadRotationSecret(const CaSecretFiles& files,
                                        const std::string& new_password_file,
                                        const CertificateAuthority& current,
                                        const SecretString& current_secret, bool to_token);

}  // namespace certmint
