// What `certmint ca init` reports about a CA it created: where its files are,
// its subject, key type, validity and fingerprint.
#pragma once

#include <string>

#include "ca/authority.h"
#include "keys/key_spec.h"

namespace certmint {

// "Created [intermediate ]CA '<subject>' (<key type>), valid until ..." with
// the certificate and key paths and the SHA-256 fingerprint.
std::string RenderCaCreatedText(const CertificateAuthority& ca, const KeySpec& spec,
                                bool intermediate);
// {"dir", "intermediate", "certificate", "key", "subject", "key_type",
// "not_after", "sha256_fingerprint"}.
std::string RenderCaCreatedJson(const CertificateAuthority& ca, const KeySpec& spec,
                                bool intermediate);

}  // namespace certmint
