// `certmint csr`, `sign` and `issue` from their flags as given: a node's key
// and request, the CA signing a request, and a whole identity issued to a
// directory. The checks come first, then the passwords, then the files;
// what to report is returned, never printed.
#pragma once

#include <string>

#include "ca/unlock.h"
#include "core/error.h"
#include "identity/install_files.h"
#include "identity/issue_to_dir.h"
#include "identity/output_flags.h"
#include "x509/request_flags.h"

namespace certmint {

struct CsrFlags {
  std::string name;      // file names, and CN unless request.subject
  RequestFlags request;  // --dns, --ip, --key-type and --subject
  std::string out = ".";
  std::string password_file;  // the key's (ExplicitNewPassword; else a generated one)
};

// WriteCsrFromFlags writes OUT/NAME.key and OUT/NAME.csr (and a generated
// password) and says what to send to the CA. kAlreadyExists before anything
// is made when one of them exists.
Result<std::string> WriteCsrFromFlags(const CsrFlags& flags);

struct SignFlags {
  std::string csr;
  std::string dir;       // the CA's
  std::string out;       // the chain to write (must not exist)
  RequestFlags request;  // --dns, --ip, --role, --days and --subject
  std::string name;      // in the inventory; empty: the CN
};

// SignCsrFromFlags signs the request in `flags.csr` (its own faults first:
// LoadRequestToSign, the SANs it may ask for being the flags'), the subject
// the request's unless --subject, with the CA unlocked by `ca_password`.
Result<std::string> SignCsrFromFlags(const SignFlags& flags, const CaPasswordSource& ca_password);

struct IssueFlags {
  std::string name;
  std::string dir;  // the CA's
  RequestFlags request;
  std::string out = ".";
  std::string password_file;  // the stores' (NewIdentityStorePassword)
  OutputFlags output;
};

struct IssuedFromFlags {
  IssuedToDir issued;
  KeySpec key_spec;  // as --key-type asked
};

// IssueFromFlags checks every flag before asking for passwords or touching
// files, then issues NAME to OUT/NAME/ (IssueIdentityToDir), the stores'
// password and then the CA's (`ca_password`) asked for once OUT/NAME is
// known to be absent.
Result<IssuedFromFlags> IssueFromFlags(const IssueFlags& flags,
                                       const CaPasswordSource& ca_password);

// `keystore install`, the CSR flow's last step: InstallFromFiles with the
// key's password from `key_password_file` (else the password file beside
// the key: KeyPasswordFileFor), else $CERTMINT_PASSWORD, else a prompt; the
// stores' from `password_file` (ExplicitPassword). "Installed NAME in DIR
// (chain length N)".
Result<std::string> InstallFromFlags(InstallFilesRequest request, const std::string& password_file,
                                     const std::string& key_password_file);

}  // namespace certmint
