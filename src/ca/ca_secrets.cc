#include "ca/ca_secrets.h"

#include "ca/ca_token_key.h"
#include "core/secret_source.h"

namespace certmint {

Result<SecretString> ReadTokenPin(const std::string& pin_file, const std::string& prompt) {
  return ReadRequiredSecret({pin_file, kPkcs11PinEnv, prompt, false, "--pin-file"}, "token PIN");
}

bool OpensWithTokenPin(const CaSecretFiles& files, const std::string& dir) {
  if (!dir.empty()) {
    return CaKeyInToken(dir);
  }
  return !files.pin_file.empty() ||
         (files.password_file.empty() && SecretFromEnv(kPkcs11PinEnv).has_value() &&
          !SecretFromEnv(kCaPasswordEnv).has_value());
}

Result<SecretString> ReadCaSecret(const CaSecretFiles& files, const std::string& dir, bool is_new) {
  if (!is_new && OpensWithTokenPin(files, dir)) {
    return ReadTokenPin(files.pin_file);
  }
  return ReadRequiredSecret(
      {files.password_file, kCaPasswordEnv, is_new ? "New CA password" : "CA password", is_new,
       "--ca-password-file"},
      "CA password");
}

Result<SecretString> ReadCaReloadSecret(const std::string& dir, const CaSecretFiles& files) {
  if (CaKeyInToken(dir)) {
    return ReadRequiredSecret({files.pin_file, kPkcs11PinEnv, "", false, "--pin-file"},
                              "token PIN to reload with (a typed one is not kept: restart)");
  }
  return ReadRequiredSecret({files.password_file, kCaPasswordEnv, "", false, "--ca-password-file"},
                            "CA password to reload with (a typed one is not kept: restart)");
}

Result<SecretString> ReadCurrentCaSecret(const std::string& dir, const CaSecretFiles& files) {
  constexpr std::string_view kWhat = "CA password (the current CA's)";
  if (CaKeyInToken(dir)) {
    return ReadTokenPin(files.pin_file, "Token PIN (" + std::string(kWhat) + ")");
  }
  return ReadRequiredSecret(
      {files.password_file, kCaPasswordEnv, "Current CA password", false, "--ca-password-file"},
      kWhat);
}

Result<SecretString> ReadRootCaSecret(const std::string& root_dir,
                                      const std::string& root_password_file,
                                      const std::string& pin_file) {
  if (CaKeyInToken(root_dir) && root_password_file.empty()) {
    return ReadTokenPin(pin_file, "Root token PIN");
  }
  return ReadRequiredSecret(
      {root_password_file, kRootCaPasswordEnv, "Root CA password", false, "--root-password-file"},
      "root CA password");
}

Result<SecretString> ReadNewCaSecret(const CaSecretFiles& files, bool in_token) {
  if (in_token) {
    return ReadTokenPin(files.pin_file);
  }
  return ReadCaSecret(files, "", /*is_new=*/true);
}

Result<SecretString> ReadRotationSecret(const CaSecretFiles& files,
                                        const std::string& new_password_file,
                                        const CertificateAuthority& current,
                                        const SecretString& current_secret, bool to_token) {
  if (to_token) {
    return ReadTokenPin(files.pin_file);
  }
  CM_ASSIGN_OR_RETURN(
      auto new_pw, ReadSecret({new_password_file, nullptr, "", false, "--new-ca-password-file"}));
  if (new_pw) {
    return std::move(*new_pw);
  }
  if (current.key_in_token()) {
    return ReadRequiredSecret(
        {files.password_file, kCaPasswordEnv, "New CA password", true, "--ca-password-file"},
        "password for the new CA's key file (--new-ca-password-file)");
  }
  return SecretString(current_secret.reveal());
}

}  // namespace certmint
