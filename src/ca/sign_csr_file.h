// `certmint sign`'s operation, before and after the CLI reads its profile
// flags: a request file checked against the names the operator allows, then
// signed by the CA in a directory into a reply file.
#pragma once

#include <functional>
#include <string>

#include "core/error.h"
#include "core/secret.h"
#include "x509/csr.h"
#include "x509/general_names.h"
#include "x509/issue.h"

namespace certmint {

// Reads and parses the request at `path` and checks it (ca/csr_policy.h)
// against `allowed`, the operator's --dns/--ip: what the certificate may
// name, or why those flags are malformed. The request's own faults are
// reported first; a malformed `allowed` only after them.
Result<CertificateRequest> LoadRequestToSign(const std::string& path,
                                             const Result<SubjectAltNames>& allowed);

struct SignRequestFileOptions {
  std::string ca_dir;
  // The inventory name; empty: the subject's CN.
  std::string name;
  LeafProfile profile;
  // The reply file to write; must not exist.
  std::string out;
  // Asked once the name, OUT and the CA's certificate are checked.
  std::function<Result<SecretString>()> ca_password;
};

// Checks the name and that OUT does not exist (kAlreadyExists), loads the
// CA and signs (SignRequestToFile).
Result<Certificate> SignRequestFile(const CertificateRequest& request,
                                    const SignRequestFileOptions& options);

}  // namespace certmint
