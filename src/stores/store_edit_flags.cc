#include "stores/store_edit_flags.h"

#include "stores/keystore.h"
#include "stores/pem_store.h"
#include "stores/pkcs12.h"

namespace certmint {

Result<StoreEditOptions> ParseStoreEditFlags(const StoreEditFlags& flags, bool create) {
  StoreEditOptions options;
  options.create = create;
  if (!flags.p12_profile.empty()) {
    CM_ASSIGN_OR_RETURN(options.pkcs12_profile,
                        WithContext(ParsePkcs12Profile(flags.p12_profile), "--p12-profile"));
  }
  if (!flags.pem_profile.empty()) {
    CM_ASSIGN_OR_RETURN(options.pem_profile,
                        WithContext(ParsePemProfile(flags.pem_profile), "--pem-profile"));
  }
  if (create && !flags.type.empty()) {
    CM_ASSIGN_OR_RETURN(options.type, WithContext(ParseStoreFormat(flags.type), "--type"));
  }
  return options;
}

}  // namespace certmint
