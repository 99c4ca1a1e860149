// What `certmint ca rotate` and `ca retire` tell the operator: the next
// steps of a CA rotation.
#pragma once

#include <string>

#include "ca/authority.h"
#include "ca/rotation.h"

namespace certmint {

// After RotateCa: the new CA, where the previous one went, and what to do
// next (apply twice, reload certmint serve, retire).
std::string RenderRotatedText(const CertificateAuthority& fresh, const CaInitOptions& options,
                              const std::string& dir);

// After RetireCa, which kept the previous CA in `kept_in`.
std::string RenderRetiredText(const std::string& kept_in);

}  // namespace certmint
