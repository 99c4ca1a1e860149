// `certmint enroll`'s operation: a node's new identity obtained from the CA
// service with a one-time token and written whole to OUT/NAME/.
#pragma once

#include <functional>
#include <string>

#include "core/error.h"
#include "core/secret.h"
#include "enroll/enroll.h"
#include "identity/files.h"
#include "identity/issue_to_dir.h"
#include "identity/reload_hook.h"

namespace certmint {

struct EnrollToDirRequest {
  EnrollRequestOptions enroll;
  std::string out_dir;
  // How the files are written; its trust anchors (the service's) and
  // write_password_file are set here.
  IdentityOutput output;
  // Called in this order once OUT/NAME is known to be absent: the token
  // (checked to look like one before anything is sent), then the store
  // password.
  std::function<Result<SecretString>()> token;
  std::function<Result<StorePassword>()> store_password;
  // Run once OUT/NAME is written (event issued); empty: none.
  ReloadHook hook{};
};

struct EnrolledToDir {
  Enrolled enrolled;
  IdentityFiles files;
  std::optional<HookOutcome> hook;  // when request.hook was given
};

// Checks that OUT/NAME does not exist unless output.replace (kAlreadyExists,
// saying how to renew it instead), enrolls (enroll/enroll.h) and writes
// OUT/NAME/: with output.replace an existing one is exchanged for the new
// one in one rename, so it stays whole until the new one is complete. Then
// runs request.hook; its failure leaves the result a success (the hook is
// pending, identity/reload_hook.h).
Result<EnrolledToDir> EnrollIdentityToDir(EnrollToDirRequest request);

}  // namespace certmint
