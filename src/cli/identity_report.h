// What `issue` and `enroll` share: the store password of a new identity and
// the report of the files written.
#pragma once

#include <CLI/CLI.hpp>
#include <string>

#include "core/error.h"
#include "core/secret.h"
#include "identity/files.h"
#include "identity/identity.h"
#include "stores/new_password.h"

namespace certmint::cli {

// --format, --alias, --p12-profile and --passwordless-truststore: how a new
// identity's files are written.
struct StoreOutputArgs {
  std::string formats = "pem,p12,jks";
  std::string alias;
  std::string p12_profile = "modern";
  bool passwordless_truststore = false;
};
void AddStoreOutputOptions(CLI::App* cmd, StoreOutputArgs* args);
// Checked, as an IdentityOutput (errors name the flag).
Result<IdentityOutput> ParseStoreOutputArgs(const StoreOutputArgs& args, std::string_view name);

// --password-file, else $CERTMINT_PASSWORD, else a random one (generated:
// goes to OUT/NAME/password); a given one must pass CheckNewStorePassword.
Result<StorePassword> NewStorePassword(const std::string& password_file);

// Prints what was written (text, or JSON with --json).
void ReportIdentity(const IdentityFiles& files, const std::string& name, const Certificate& cert,
                    const KeySpec& key_spec, Role role, bool json, std::string_view verb);

}  // namespace certmint::cli
