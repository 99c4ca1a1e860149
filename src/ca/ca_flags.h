// A CA to create, as `ca init` and `ca rotate` are told it (text), and its
// one check; errors name the flag.
#pragma once

#include <string>

#include "ca/authority.h"
#include "core/encoding.h"
#include "core/error.h"
#include "x509/validity.h"

namespace certmint {

struct CaFlags {
  std::string subject;       // --subject
  std::string key_type;      // --key-type
  ValidityFlag days = 3650;  // --days: 3650, 3650d or hours (ParseValidity)
  std::string url = {};      // --url (ca init only; a rotation keeps the directory's)
};

// ParseCaFlags checks `flags` for a new CA. With `current` (ca rotate), an
// empty subject is the current one's, dated (RotatedCaSubject), and an empty
// key type the current key's; without it both are required.
Result<CaInitOptions> ParseCaFlags(const CaFlags& flags, const CertificateAuthority* current,
                                   TimePoint now);

}  // namespace certmint
