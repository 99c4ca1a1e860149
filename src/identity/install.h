// Installing an identity from its parts (certmint keystore install): the
// node's key, made by `certmint csr`, and the chain `certmint sign`
// returned become OUT/NAME/ in every format, as `issue` writes it.
#pragma once

#include <string>
#include <vector>

#include "core/error.h"
#include "core/secret.h"
#include "identity/files.h"
#include "keys/private_key.h"
#include "x509/certificate.h"

namespace certmint {

struct InstallRequest {
  std::string out_dir;
  // Empty: the certificate's CN.
  std::string name;
  PrivateKey key;
  // Leaf first; must hold a CA above the leaf.
  std::vector<Certificate> chain;
  IdentityOutput output;
};

// Checks that the chain's first certificate is the key's and that a CA
// follows it, and that the name is a valid node name; then writes OUT/NAME/
// whole with `store_password`.
Result<IdentityFiles> InstallIdentity(const InstallRequest& request,
                                      const SecretString& store_password);

}  // namespace certmint
