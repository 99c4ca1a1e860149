// Which files, environment variables and prompts the CLI takes its secrets
// from (never argv). How they are read is core/secret_source.h; the checks
// on new store passwords, stores/new_password.h.
#pragma once

#include <CLI/CLI.hpp>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "ca/unlock.h"
#include "core/error.h"
#include "core/secret.h"
#include "core/secret_source.h"
#include "stores/new_password.h"

namespace certmint::cli {

inline constexpr const char* kCaPasswordEnv = "CERTMINT_CA_PASSWORD";
inline constexpr const char* kStorePasswordEnv = "CERTMINT_PASSWORD";
inline constexpr const char* kPkcs11PinEnv = "CERTMINT_PKCS11_PIN";

// The store password given explicitly: --password-file, else
// $CERTMINT_PASSWORD; nullopt when neither is set.
Result<std::optional<SecretString>> ExplicitPassword(const std::string& password_file);

// The same for a password that will protect new stores: refused, naming its
// source, unless CheckNewStorePassword accepts it.
Result<std::optional<SecretString>> ExplicitNewPassword(const std::string& password_file);

// A new identity's store password: --password-file, else
// $CERTMINT_PASSWORD, else a random one (generated: goes to OUT/NAME/password).
Result<StorePassword> NewIdentityStorePassword(const std::string& password_file);

// The CA key password from --ca-password-file, $CERTMINT_CA_PASSWORD or a
// prompt (twice for a new CA); kInvalidArgument naming the three when none.
Result<SecretString> ReadCaPassword(const std::string& file, bool is_new);

// For an existing CA (`is_new` false) whose key is in a PKCS#11 token
// (docs/hsm.md), ReadCaPassword returns the token's PIN instead
// (ReadTokenPin): the secret CertificateAuthority::Load opens it with. Which
// CA it is comes from the --dir of the command that ran (one registered by
// AddCaPasswordFile); a command without one (apply) takes the PIN when
// --pin-file is given, or when $CERTMINT_PKCS11_PIN is set and neither
// --ca-password-file nor $CERTMINT_CA_PASSWORD is.
//
// ReadCaPassword for an existing CA, when the library asks for it.
CaPasswordSource CaPasswordFrom(const std::string& file);

// What `serve` reloads the CA with (SIGHUP, a rotation): the file or
// variable read again, never a prompt (a typed secret is not kept): the
// token's PIN (--pin-file, $CERTMINT_PKCS11_PIN) when the CA in `dir` keeps
// its key in a token, else the CA password (--ca-password-file,
// $CERTMINT_CA_PASSWORD).
Result<SecretString> ReadCaReloadSecret(const std::string& dir, const std::string& password_file);

// The token's user PIN: --pin-file FILE, else $CERTMINT_PKCS11_PIN, else a
// no-echo prompt ("PROMPT: "); never argv.
Result<SecretString> ReadTokenPin(const std::string& pin_file,
                                  const std::string& prompt = "Token PIN");

// The value of --pin-file, which every command taking --ca-password-file
// takes too (AddCaPasswordFile binds it here).
std::string& PinFileFlag();
// Notes `cmd` as one whose --dir names the CA ReadCaPassword reads for.
void NoteCaSecretCommand(CLI::App* cmd);

// Refuses, before parsing, a flag that would carry a secret on the command
// line: one no command knows (not in `known`) whose name has a part with
// "pass" or "secret" in it, or "pin" or "token", unless it ends in "-file"
// (--new-password, -storepass, --passin, --token). The error names the flag,
// never the value that follows it.
Status RefuseSecretsOnArgv(const std::vector<std::string>& args,
                           const std::set<std::string>& known);

}  // namespace certmint::cli
