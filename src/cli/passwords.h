// The CLI's side of secrets: which command's --dir and --pin-file name the
// CA being opened, and refusing secrets on argv. Where secrets come from
// (files, environment variables, prompts) is library policy:
// ca/ca_secrets.h and stores/store_passwords.h, included here for the
// command files.
#pragma once

#include <CLI/CLI.hpp>
#include <set>
#include <string>
#include <vector>

#include "ca/ca_secrets.h"
#include "ca/unlock.h"
#include "core/error.h"
#include "core/secret.h"
#include "core/secret_source.h"
#include "stores/store_passwords.h"

namespace certmint::cli {

// The CA key password from --ca-password-file, $CERTMINT_CA_PASSWORD or a
// prompt (twice for a new CA); for an existing CA whose key is in a token,
// the token's PIN (ReadCaSecret). Which CA it is comes from the --dir of
// the command that ran (one registered by AddCaPasswordFile).
Result<SecretString> ReadCaPassword(const std::string& file, bool is_new);

// ReadCaPassword for an existing CA, when the library asks for it.
CaPasswordSource CaPasswordFrom(const std::string& file);

// What `serve` reloads the CA in `dir` with (certmint::ReadCaReloadSecret),
// with the --pin-file given.
Result<SecretString> ReadCaReloadSecret(const std::string& dir, const std::string& password_file);

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
