// CRL files named on the command line (verify and handshake's --crl).
#pragma once

#include <string>
#include <vector>

#include "core/error.h"
#include "x509/crl.h"

namespace certmint {

// Reads and parses each file (PEM or DER); errors name --crl and the file.
Result<std::vector<Crl>> LoadCrlFiles(const std::vector<std::string>& files);

}  // namespace certmint
