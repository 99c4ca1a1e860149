// The description of a freshly written identity that `issue` and `enroll`
// print: text for people, or JSON, a contract scripts rely on (so its keys
// only grow).
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "identity/files.h"
#include "keys/key_spec.h"
#include "x509/certificate.h"
#include "x509/role.h"

namespace certmint {

// IdentityReportJson describes identity `name`: every file written (absent
// ones as ""), and the certificate's subject, serial, key type, role, SANs,
// notAfter and SHA-256 fingerprint.
nlohmann::json IdentityReportJson(const IdentityFiles& files, const std::string& name,
                                  const Certificate& cert, const KeySpec& key_spec, Role role);

// IdentityReportText: "VERB SUBJECT (KEY, role ROLE), valid until ...", then
// one indented line per kind of file written (and the SANs).
std::string IdentityReportText(const IdentityFiles& files, const Certificate& cert,
                               const KeySpec& key_spec, Role role, std::string_view verb);

}  // namespace certmint
