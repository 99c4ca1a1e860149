// `certmint issue`'s operation: a new identity issued by the CA in a
// directory and written whole to OUT/NAME/.
#pragma once

#include <functional>
#include <string>

#include "core/error.h"
#include "core/secret.h"
#include "identity/files.h"
#include "identity/identity.h"
#include "stores/new_password.h"

namespace certmint {

// The store password of a new identity's files.
struct IssueSecrets {
  StorePassword store;  // generated: written to OUT/NAME/password
  SecretString ca_password;
};

struct IssueToDirRequest {
  std::string ca_dir;
  std::string out_dir;
  IdentityRequest identity;
  // How the files are written; its trust anchors and write_password_file
  // are set here.
  IdentityOutput output;
  // Called once OUT/NAME is known to be absent and the CA's certificate was
  // found, so that no password is asked for in vain.
  std::function<Result<IssueSecrets>()> secrets;
};

struct IssuedToDir {
  Identity identity;
  IdentityFiles files;
};

// Checks that OUT/NAME does not exist (kAlreadyExists) and that the CA does
// (kNotFound), gets the secrets, loads the CA and issues through its
// inventory (ca/issuer.h) with writing OUT/NAME/ as the deploy step: a
// failed write leaves the certificate pending, never valid.
Result<IssuedToDir> IssueIdentityToDir(IssueToDirRequest request);

}  // namespace certmint
