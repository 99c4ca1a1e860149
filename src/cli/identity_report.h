// What `issue` and `enroll` share: the store password of a new identity and
// the report of the files written.
#pragma once

#include <string>

#include "core/error.h"
#include "core/secret.h"
#include "identity/identity.h"

namespace certmint::cli {

struct StorePassword {
  SecretString password;
  bool generated = false;  // random: goes to OUT/NAME/password
};

// --password-file, else $CERTMINT_PASSWORD, else a random one; a given one
// must be at least kMinStorePasswordLength characters.
Result<StorePassword> NewStorePassword(const std::string& password_file);

// Prints what was written (text, or JSON with --json).
void ReportIdentity(const IdentityFiles& files, const std::string& name, const Certificate& cert,
                    const KeySpec& key_spec, Role role, bool json, std::string_view verb);

}  // namespace certmint::cli
