#include "ca/ca_flags.h"

#include "ca/ca_settings.h"
#include "ca/rotation.h"
#include "x509/issue.h"

namespace certmint {

Result<CaInitOptions> ParseCaFlags(const CaFlags& flags, const CertificateAuthority* current,
                                   TimePoint now) {
  CaInitOptions o;
  o.now = now;
  if (!flags.subject.empty() || current == nullptr) {
    CM_ASSIGN_OR_RETURN(o.subject,
                        WithContext(DistinguishedName::Parse(flags.subject), "--subject"));
  } else {
    CM_ASSIGN_OR_RETURN(o.subject, RotatedCaSubject(current->certificate().Subject(), now));
  }
  if (!flags.key_type.empty() || current == nullptr) {
    CM_ASSIGN_OR_RETURN(o.key_spec, WithContext(ParseKeySpec(flags.key_type), "--key-type"));
  } else {
    o.key_spec = current->signer().Spec();
  }
  CM_ASSIGN_OR_RETURN(o.days, ParseValidity(flags.days.text, "--days"));
  if (!flags.url.empty()) {
    CM_ASSIGN_OR_RETURN(o.url, ParseStatusUrl(flags.url, "--url"));
  }
  return o;
}

}  // namespace certmint
