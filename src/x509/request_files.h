// The node's half of the split flow (`certmint csr`): a new key and a
// certificate request for it, written where the node keeps them. The key
// never leaves the node; only NAME.csr goes to the CA.
//
//   OUT/NAME.key  0600  PKCS#8 PEM, encrypted with the store password
//   OUT/NAME.csr  0644  the request (PKCS#10, RFC 2986)
//   OUT/password  0600  the password, when certmint generated it
#pragma once

#include <string>

#include "core/error.h"
#include "core/secret.h"
#include "keys/key_spec.h"
#include "x509/general_names.h"
#include "x509/name.h"

namespace certmint {

struct RequestFiles {
  std::string dir;
  std::string key;
  std::string request;
  std::string password;  // written only when the password was generated
};

// Where WriteKeyAndRequest puts the files of `name` in `out_dir`.
RequestFiles RequestFilePaths(const std::string& out_dir, const std::string& name);

// kAlreadyExists naming the first of the key and the request that exists.
Status CheckRequestFilesAbsent(const RequestFiles& files);

struct KeyRequest {
  KeySpec key_spec;
  DistinguishedName subject;
  SubjectAltNames sans;
};

// Generates a key, makes the request, and writes both (creating the
// directory). The key is encrypted with `password`; a null `password` means a
// random one, written to `files.password` first. kAlreadyExists, before
// anything is made, when a file to write exists. Returns whether the password
// was generated.
Result<bool> WriteKeyAndRequest(const RequestFiles& files, const KeyRequest& request,
                                const SecretString* password);

}  // namespace certmint
