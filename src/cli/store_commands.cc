// certmint convert and certmint keystore ...: the seed's keytool import and
// export steps, natively, each write atomic and the original untouched on
// any error.
#include <fmt/format.h>

#include <iostream>

#include "cli/commands.h"
#include "cli/options.h"
#include "cli/passwords.h"
#include "core/clock.h"
#include "core/fs.h"
#include "identity/install_files.h"
#include "stores/convert.h"
#include "stores/store_edit.h"
#include "stores/store_edit_flags.h"
#include "stores/store_io.h"

namespace certmint::cli {
namespace {

constexpr const char* kNewPasswordEnv = "CERTMINT_NEW_PASSWORD";

// The flags of the subcommands that edit STORE in place; each uses the
// ones it declares.
struct StoreArgs {
  std::string store;
  std::string password_file;
  StoreEditFlags flags;  // empty: as the store is (modern for a new one)
  std::string alias;
  std::string file;  // import-cert --file, import-key --chain, passwd --new-password-file
  std::string key;
  std::string key_password_file;
};

constexpr const char* kPemProfileHelp =
    "PEM key encryption when writing: modern (PBES2, AES-256) or java (PBEWithSHA1AndDESede, "
    "for Kafka's ssl.keystore.type=PEM)";

// A subcommand editing STORE: its flags, and --alias (the entry) unless
// `passwd`. A command that may create STORE also takes --type.
std::pair<CLI::App*, std::shared_ptr<StoreArgs>> AddStoreCommand(CLI::App* ks, const char* name,
                                                                 const char* description,
                                                                 bool creates, bool alias) {
  auto a = std::make_shared<StoreArgs>();
  CLI::App* cmd = ks->add_subcommand(name, description);
  cmd->add_option("STORE", a->store, "The key store or truststore file")->required();
  AddStorePasswordFile(cmd, &a->password_file, StorePasswordUse::kExisting);
  cmd->add_option("--p12-profile", a->flags.p12_profile,
                  "PKCS#12 profile when writing: modern or legacy (default: as the store is, "
                  "keeping a passwordless truststore passwordless; modern for a new store)");
  cmd->add_option("--pem-profile", a->flags.pem_profile,
                  std::string(kPemProfileHelp) +
                      " (default: as the store is; modern for a new "
                      "store)");
  if (creates) {
    cmd->add_option("--type", a->flags.type,
                    "Store type for a new file: jks, p12 or pem (default: from the extension)");
  }
  if (alias) {
    cmd->add_option("--alias", a->alias, "Alias of the entry (stored lower-case)")->required();
  }
  return {cmd, a};
}

// Edits STORE with its password, keeping its format and protection unless
// --p12-profile or --pem-profile says otherwise. With `create`, a missing
// STORE starts empty (format from --type or the extension).
Status EditStore(const StoreArgs& a, bool create, const StoreEdit& edit,
                 const SecretString* new_password = nullptr) {
  CM_ASSIGN_OR_RETURN(auto options, ParseStoreEditFlags(a.flags, create));
  options.new_password = new_password;
  CM_ASSIGN_OR_RETURN(auto password,
                      ReadRequiredSecret({a.password_file, kStorePasswordEnv, "Store password",
                                          false, "--password-file"},
                                         "store password"));
  return EditStoreFile(a.store, password, options, edit);
}

Subcommand RegisterImportCert(CLI::App* ks) {
  auto [cmd, a] = AddStoreCommand(
      ks, "import-cert", "Add a trusted certificate (created if STORE is missing)", true, true);
  cmd->add_option("--file", a->file, "Certificate, PEM or DER")->required();
  return {cmd, FromStatus([a = a]() -> Status {
            CM_ASSIGN_OR_RETURN(auto cert, WithContext(LoadCertificateFile(a->file), "--file"));
            CM_RETURN_IF_ERROR(EditStore(*a, true, [&](KeyStore& s, const SecretString&) {
              return AddTrustedCertificate(s, a->alias, cert, SystemNow());
            }));
            std::cout << fmt::format("Added trusted certificate '{}' ({}) to {}\n",
                                     NormalizeAlias(a->alias), cert.Subject().ToString(), a->store);
            return {};
          })};
}

Subcommand RegisterImportKey(CLI::App* ks) {
  auto [cmd, a] = AddStoreCommand(
      ks, "import-key",
      "Add a private key with its certificate chain (created if STORE is missing)", true, true);
  cmd->add_option("--key", a->key, "Private key, PEM (PKCS#8 or traditional)")->required();
  cmd->add_option("--chain", a->file, "Certificate chain, PEM, leaf first")->required();
  cmd->add_option("--key-password-file", a->key_password_file,
                  "File whose first line is the password of --key (else the store password)");
  return {cmd, FromStatus([a = a]() -> Status {
            CM_ASSIGN_OR_RETURN(auto chain, WithContext(LoadChainFile(a->file), "--chain"));
            CM_ASSIGN_OR_RETURN(auto key_pw, ReadSecret({a->key_password_file, nullptr, "", false,
                                                         "--key-password-file"}));
            CM_RETURN_IF_ERROR(
                EditStore(*a, true, [&](KeyStore& s, const SecretString& store_pw) -> Status {
                  const SecretString* pw = key_pw ? &*key_pw : &store_pw;
                  CM_ASSIGN_OR_RETURN(auto key,
                                      WithContext(LoadPrivateKeyFile(a->key, pw), "--key"));
                  return AddKeyEntry(s, a->alias, key, chain, SystemNow());
                }));
            std::cout << fmt::format("Added key entry '{}' (chain length {}) to {}\n",
                                     NormalizeAlias(a->alias), chain.size(), a->store);
            return {};
          })};
}

Subcommand RegisterInstall(CLI::App* ks) {
  struct Args {
    InstallFilesRequest request;
    std::string password_file;
    std::string key_password_file;
  };
  auto a = std::make_shared<Args>();
  InstallFilesRequest& r = a->request;
  CLI::App* cmd = ks->add_subcommand(
      "install", "Build a node's stores (all formats) from its key and the signed chain");
  cmd->add_option("--key", r.key_file, "The node's private key (PEM, from certmint csr)")
      ->required();
  cmd->add_option("--chain", r.chain_file, "The signed certificate chain (from certmint sign)")
      ->required();
  cmd->add_option("--ca", r.ca_file, "The root CA certificate, when the chain lacks it");
  AddIdentityOut(cmd, &r.out_dir);
  cmd->add_option("--name", r.name, "Identity name (default: the certificate's CN)");
  cmd->add_option("--format", r.formats,
                  "Comma-separated formats: pem, p12, jks, or pem-plain (unencrypted key)");
  AddStorePasswordFile(cmd, &a->password_file, StorePasswordUse::kFromKey);
  cmd->add_option("--key-password-file", a->key_password_file,
                  "File whose first line is the password of --key (else the password file beside "
                  "the key)");
  return {cmd, [a]() -> Result<int> {
            InstallFilesRequest request = a->request;
            request.key_password = [&] {
              return ReadSecret({KeyPasswordFileFor(request.key_file, a->key_password_file),
                                 kStorePasswordEnv, "Key password", false, "--key-password-file"});
            };
            request.store_password = [&] { return ExplicitPassword(a->password_file); };
            CM_ASSIGN_OR_RETURN(auto done, InstallFromFiles(request));
            std::cout << fmt::format("Installed {} in {} (chain length {})\n",
                                     fs::Basename(done.files.dir), done.files.dir,
                                     done.chain_length);
            return 0;
          }};
}

Subcommand RegisterDelete(CLI::App* ks) {
  auto [cmd, a] = AddStoreCommand(ks, "delete", "Remove an entry", false, true);
  return {cmd, FromStatus([a = a]() -> Status {
            CM_RETURN_IF_ERROR(EditStore(*a, false, [&](KeyStore& s, const SecretString&) {
              return DeleteEntry(s, a->alias);
            }));
            std::cout << fmt::format("Deleted '{}' from {}\n", NormalizeAlias(a->alias), a->store);
            return {};
          })};
}

Subcommand RegisterPasswd(CLI::App* ks) {
  auto [cmd, a] = AddStoreCommand(
      ks, "passwd", "Change the store password (private keys are re-encrypted with it)", false,
      false);
  cmd->add_option("--new-password-file", a->file,
                  "File whose first line is the new password (else $CERTMINT_NEW_PASSWORD, else "
                  "a prompt)");
  return {cmd, FromStatus([a = a]() -> Status {
            const SecretSource source{a->file, kNewPasswordEnv, "New store password", true,
                                      "--new-password-file"};
            CM_ASSIGN_OR_RETURN(
                auto new_pw, RequireSecret(ReadNewStorePassword(source), source, "new password"));
            CM_RETURN_IF_ERROR(EditStore(
                *a, false, [](KeyStore&, const SecretString&) -> Status { return {}; }, &new_pw));
            std::cout << fmt::format("Changed the password of {}\n", a->store);
            return {};
          })};
}

struct ConvertArgs {
  std::string in;
  std::string out;
  std::string to;
  std::string password_file;
  std::string out_password_file;
  std::string p12_profile = "modern";
  std::string pem_profile = "modern";
};

Status RunConvert(const ConvertArgs& a) {
  ConvertRequest request;
  request.in = a.in;
  request.out = a.out;
  CM_ASSIGN_OR_RETURN(request.to, WithContext(ParseStoreFormat(a.to), "--to"));
  CM_ASSIGN_OR_RETURN(auto edit, ParseStoreEditFlags({"", a.p12_profile, a.pem_profile}, false));
  request.options.pkcs12.profile = edit.pkcs12_profile.value_or(request.options.pkcs12.profile);
  request.options.pem = edit.pem_profile.value_or(request.options.pem);
  request.passwords = [&]() -> Result<ConvertPasswords> {
    CM_ASSIGN_OR_RETURN(auto in, ExplicitPassword(a.password_file));
    CM_ASSIGN_OR_RETURN(auto out, ReadNewStorePassword({a.out_password_file, kNewPasswordEnv, "",
                                                        false, "--out-password-file"}));
    return ConvertPasswords{std::move(in), std::move(out)};
  };
  CM_ASSIGN_OR_RETURN(auto store, ConvertStoreFile(request));
  std::cout << fmt::format("Wrote {} ({}, {} entr{})\n", a.out, StoreFormatName(request.to),
                           store.size(), store.size() == 1 ? "y" : "ies");
  return {};
}

}  // namespace

Runner RegisterConvertCommand(CLI::App* app, const GlobalOptions& /*global*/) {
  auto a = std::make_shared<ConvertArgs>();
  CLI::App* cmd = app->add_subcommand("convert", "Convert a store between JKS, PKCS#12 and PEM");
  cmd->add_option("IN", a->in, "Store to read: JKS, JCEKS, PKCS#12 or PEM")->required();
  cmd->add_option("OUT", a->out, "File to write (must not exist)")->required();
  cmd->add_option("--to", a->to, "Output format: jks, p12, pem, or pem-plain (unencrypted key)")
      ->required();
  cmd->add_option("--password-file", a->password_file,
                  "File whose first line is IN's password (else $CERTMINT_PASSWORD)");
  cmd->add_option("--out-password-file", a->out_password_file,
                  "File whose first line is OUT's password (else $CERTMINT_NEW_PASSWORD, else "
                  "IN's password)");
  cmd->add_option("--p12-profile", a->p12_profile, "PKCS#12 profile: modern or legacy");
  cmd->add_option("--pem-profile", a->pem_profile, kPemProfileHelp);
  return FromStatus([a]() -> Status { return RunConvert(*a); });
}

Runner RegisterKeystoreCommands(CLI::App* app, const GlobalOptions& /*global*/) {
  CLI::App* ks = app->add_subcommand(
      "keystore", "Edit JKS, PKCS#12 and PEM stores: import-cert, import-key, delete, passwd");
  ks->require_subcommand(1);
  return Dispatch({RegisterImportCert(ks), RegisterImportKey(ks), RegisterInstall(ks),
                   RegisterDelete(ks), RegisterPasswd(ks)});
}

}  // namespace certmint::cli
