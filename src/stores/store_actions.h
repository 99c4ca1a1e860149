// What `certmint keystore import-cert|import-key|delete|passwd` and
// `certmint convert` do, from their flags as given: the checks, the
// passwords (stores/store_passwords.h), the edit, and the line that reports
// it. Each write is atomic, the original untouched on any error.
#pragma once

#include <string>

#include "core/clock.h"
#include "core/error.h"
#include "stores/store_edit_flags.h"

namespace certmint {

// A store file to edit in place: its password from `password_file`, else
// $CERTMINT_PASSWORD, else a prompt (ReadStorePassword); written back as it
// was unless `flags` say otherwise.
struct StoreFileEdit {
  std::string store;
  std::string password_file;
  StoreEditFlags flags;  // empty: as the store is (modern for a new one)
  std::string alias;     // the entry (stored lower-case)
};

// Adds the certificate in `cert_file` (PEM or DER; errors in the context
// "--file") as a trusted entry, creating the store if it is missing.
Result<std::string> ImportCertificateToStore(const StoreFileEdit& edit,
                                             const std::string& cert_file, TimePoint now);

// Adds the key in `key_file` (opened with `key_password_file`'s password,
// else the store's) and the chain in `chain_file`, creating the store if it
// is missing. Errors in the context "--chain" or "--key".
Result<std::string> ImportKeyToStore(const StoreFileEdit& edit, const std::string& key_file,
                                     const std::string& chain_file,
                                     const std::string& key_password_file, TimePoint now);

// Removes the entry `edit.alias`.
Result<std::string> DeleteFromStore(const StoreFileEdit& edit);

// Re-encrypts the store (and its private keys) under the new password
// (ReadChangedStorePassword: `new_password_file`, $CERTMINT_NEW_PASSWORD or
// a prompt asked twice).
Result<std::string> ChangeStorePassword(const StoreFileEdit& edit,
                                        const std::string& new_password_file);

// `certmint convert`'s flags.
struct ConvertFlags {
  std::string in;
  std::string out;
  std::string to;                 // jks, p12, pem or pem-plain
  std::string password_file;      // IN's (else $CERTMINT_PASSWORD)
  std::string out_password_file;  // OUT's (ReadConvertedStorePassword; else IN's)
  std::string p12_profile = "modern";
  std::string pem_profile = "modern";
};

// Converts IN into OUT (ConvertStoreFile) after checking the flags (errors
// name them): "Wrote OUT (FORMAT, N entries)".
Result<std::string> ConvertStoreFromFlags(const ConvertFlags& flags);

}  // namespace certmint
