// `certmint enroll`'s operation: a node's new identity obtained from the CA
// service with a one-time token and written whole to OUT/NAME/.
#pragma once

#include <functional>
#include <nlohmann/json.hpp>
#include <string>

#include "core/error.h"
#include "core/secret.h"
#include "enroll/enroll.h"
#include "identity/files.h"
#include "identity/issue_to_dir.h"
#include "identity/output_flags.h"
#include "identity/reload_hook.h"
#include "x509/request_flags.h"

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

// What `certmint enroll` is told, as given on its command line.
struct EnrollFlags {
  std::string url;  // one or more, comma-separated (ParseServerUrl)
  std::string name;
  std::string ca_fingerprint;
  std::string out = ".";
  RequestFlags request;  // --dns, --ip and --key-type
  OutputFlags output;
  bool replace = false;
  ReloadHookFlags hook;  // --exec, --exec-timeout
};

// MakeEnrollToDirRequest checks and parses `flags` (the name, the request,
// the URL, the fingerprint, the output flags and the hook), each error
// naming what was wrong; the caller sets `token` and `store_password`.
Result<EnrollToDirRequest> MakeEnrollToDirRequest(const EnrollFlags& flags);

// What `certmint enroll` reports about `done`: IdentityReportJson with a
// "hooks" array (the --exec outcome, as renew and apply give it), or
// IdentityReportText with the verb "Enrolled".
nlohmann::json EnrolledToDirJson(const EnrolledToDir& done, const std::string& name,
                                 const KeySpec& key_spec);
std::string EnrolledToDirText(const EnrolledToDir& done, const KeySpec& key_spec);

}  // namespace certmint
