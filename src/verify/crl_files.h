// Revocation sources named on the command line: CRL files (verify and
// handshake's --crl) and the CA's inventory (verify --dir).
#pragma once

#include <string>
#include <vector>

#include "core/error.h"
#include "inventory/inventory.h"
#include "x509/crl.h"

namespace certmint {

// Reads and parses each file (PEM or DER); errors name --crl and the file.
Result<std::vector<Crl>> LoadCrlFiles(const std::vector<std::string>& files);

// The revoked certificates of the inventory in `pki_dir` (the CA's
// directory), read only. kNotFound, naming --dir, when it holds no
// inventory: verify never creates one.
Result<std::vector<InventoryRecord>> LoadInventoryRevocations(const std::string& pki_dir,
                                                              TimePoint now);

}  // namespace certmint
