#include "stores/store_actions.h"

#include <fmt/format.h>

#include "core/secret_source.h"
#include "stores/convert.h"
#include "stores/store_edit.h"
#include "stores/store_passwords.h"

namespace certmint {
namespace {

// Edits the store with its password; with `create`, a missing store starts
// empty (format from --type or the extension).
Status EditStore(const StoreFileEdit& e, bool create, const StoreEdit& edit,
                 const SecretString* new_password = nullptr) {
  CM_ASSIGN_OR_RETURN(auto options, ParseStoreEditFlags(e.flags, create));
  options.new_password = new_password;
  CM_ASSIGN_OR_RETURN(auto password, ReadStorePassword(e.password_file));
  return EditStoreFile(e.store, password, options, edit);
}

}  // namespace

Result<std::string> ImportCertificateToStore(const StoreFileEdit& e, const std::string& cert_file,
                                             TimePoint now) {
  CM_ASSIGN_OR_RETURN(auto cert, WithContext(LoadCertificateFile(cert_file), "--file"));
  CM_RETURN_IF_ERROR(EditStore(e, true, [&](KeyStore& s, const SecretString&) {
    return AddTrustedCertificate(s, e.alias, cert, now);
  }));
  return fmt::format("Added trusted certificate '{}' ({}) to {}\n", NormalizeAlias(e.alias),
                     cert.Subject().ToString(), e.store);
}

Result<std::string> ImportKeyToStore(const StoreFileEdit& e, const std::string& key_file,
                                     const std::string& chain_file,
                                     const std::string& key_password_file, TimePoint now) {
  CM_ASSIGN_OR_RETURN(auto chain, WithContext(LoadChainFile(chain_file), "--chain"));
  CM_ASSIGN_OR_RETURN(auto key_pw,
                      ReadSecret({key_password_file, nullptr, "", false, "--key-password-file"}));
  CM_RETURN_IF_ERROR(EditStore(e, true, [&](KeyStore& s, const SecretString& store_pw) -> Status {
    const SecretString* pw = key_pw ? &*key_pw : &store_pw;
    CM_ASSIGN_OR_RETURN(auto key, WithContext(LoadPrivateKeyFile(key_file, pw), "--key"));
    return AddKeyEntry(s, e.alias, key, chain, now);
  }));
  return fmt::format("Added key entry '{}' (chain length {}) to {}\n", NormalizeAlias(e.alias),
                     chain.size(), e.store);
}

Result<std::string> DeleteFromStore(const StoreFileEdit& e) {
  CM_RETURN_IF_ERROR(EditStore(
      e, false, [&](KeyStore& s, const SecretString&) { return DeleteEntry(s, e.alias); }));
  return fmt::format("Deleted '{}' from {}\n", NormalizeAlias(e.alias), e.store);
}

Result<std::string> ChangeStorePassword(const StoreFileEdit& e,
                                        const std::string& new_password_file) {
  CM_ASSIGN_OR_RETURN(auto new_pw, ReadChangedStorePassword(new_password_file));
  CM_RETURN_IF_ERROR(EditStore(
      e, false, [](KeyStore&, const SecretString&) -> Status { return {}; }, &new_pw));
  return fmt::format("Changed the password of {}\n", e.store);
}

Result<std::string> ConvertStoreFromFlags(const ConvertFlags& f) {
  ConvertRequest request;
  request.in = f.in;
  request.out = f.out;
  CM_ASSIGN_OR_RETURN(request.to, WithContext(ParseStoreFormat(f.to), "--to"));
  CM_ASSIGN_OR_RETURN(auto edit, ParseStoreEditFlags({"", f.p12_profile, f.pem_profile}, false));
  request.options.pkcs12.profile = edit.pkcs12_profile.value_or(request.options.pkcs12.profile);
  request.options.pem = edit.pem_profile.value_or(request.options.pem);
  request.passwords = [&]() -> Result<ConvertPasswords> {
    CM_ASSIGN_OR_RETURN(auto in, ExplicitPassword(f.password_file));
    CM_ASSIGN_OR_RETURN(auto out, ReadConvertedStorePassword(f.out_password_file));
    return ConvertPasswords{std::move(in), std::move(out)};
  };
  CM_ASSIGN_OR_RETURN(auto store, ConvertStoreFile(request));
  return fmt::format("Wrote {} ({}, {} entr{})\n", f.out, StoreFormatName(request.to), store.size(),
                     store.size() == 1 ? "y" : "ies");
}

}  // namespace certmint
