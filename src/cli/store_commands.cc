// certmint convert and certmint keystore ...: the seed's keytool import and
// export steps, natively, each write atomic and the original untouched on
// any error.
#include "cli/commands.h"
#include "cli/options.h"
#include "core/clock.h"
#include "identity/request_actions.h"
#include "stores/store_actions.h"

namespace certmint::cli {
namespace {

// The flags of the subcommands that edit STORE in place; each uses the
// ones it declares.
struct StoreArgs {
  StoreFileEdit edit;
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
  cmd->add_option("STORE", a->edit.store, "The key store or truststore file")->required();
  AddStorePasswordFile(cmd, &a->edit.password_file, StorePasswordUse::kExisting);
  cmd->add_option("--p12-profile", a->edit.flags.p12_profile,
                  "PKCS#12 profile when writing: modern or legacy (default: as the store is, "
                  "keeping a passwordless truststore passwordless; modern for a new store)");
  cmd->add_option("--pem-profile", a->edit.flags.pem_profile,
                  std::string(kPemProfileHelp) +
                      " (default: as the store is; modern for a new "
                      "store)");
  if (creates) {
    cmd->add_option("--type", a->edit.flags.type,
                    "Store type for a new file: jks, p12 or pem (default: from the extension)");
  }
  if (alias) {
    cmd->add_option("--alias", a->edit.alias, "Alias of the entry (stored lower-case)")->required();
  }
  return {cmd, a};
}

Subcommand RegisterImportCert(CLI::App* ks) {
  auto [cmd, a] = AddStoreCommand(
      ks, "import-cert", "Add a trusted certificate (created if STORE is missing)", true, true);
  cmd->add_option("--file", a->file, "Certificate, PEM or DER")->required();
  return {cmd, PrintingText(
                   [a = a] { return ImportCertificateToStore(a->edit, a->file, SystemNow()); })};
}

Subcommand RegisterImportKey(CLI::App* ks) {
  auto [cmd, a] = AddStoreCommand(
      ks, "import-key",
      "Add a private key with its certificate chain (created if STORE is missing)", true, true);
  cmd->add_option("--key", a->key, "Private key, PEM (PKCS#8 or traditional)")->required();
  cmd->add_option("--chain", a->file, "Certificate chain, PEM, leaf first")->required();
  cmd->add_option("--key-password-file", a->key_password_file,
                  "File whose first line is the password of --key (else the store password)");
  return {cmd, PrintingText([a = a] {
            return ImportKeyToStore(a->edit, a->key, a->file, a->key_password_file, SystemNow());
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
  return {cmd, PrintingText([a] {
            return InstallFromFlags(a->request, a->password_file, a->key_password_file);
          })};
}

Subcommand RegisterDelete(CLI::App* ks) {
  auto [cmd, a] = AddStoreCommand(ks, "delete", "Remove an entry", false, true);
  return {cmd, PrintingText([a = a] { return DeleteFromStore(a->edit); })};
}

Subcommand RegisterPasswd(CLI::App* ks) {
  auto [cmd, a] = AddStoreCommand(
      ks, "passwd", "Change the store password (private keys are re-encrypted with it)", false,
      false);
  cmd->add_option("--new-password-file", a->file,
                  "File whose first line is the new password (else $CERTMINT_NEW_PASSWORD, else "
                  "a prompt)");
  return {cmd, PrintingText([a = a] { return ChangeStorePassword(a->edit, a->file); })};
}

}  // namespace

Runner RegisterConvertCommand(CLI::App* app, const GlobalOptions& /*global*/) {
  auto a = std::make_shared<ConvertFlags>();
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
  return PrintingText([a] { return ConvertStoreFromFlags(*a); });
}

Runner RegisterKeystoreCommands(CLI::App* app, const GlobalOptions& /*global*/) {
  CLI::App* ks = app->add_subcommand(
      "keystore", "Edit JKS, PKCS#12 and PEM stores: import-cert, import-key, delete, passwd");
  ks->require_subcommand(1);
  return Dispatch({RegisterImportCert(ks), RegisterImportKey(ks), RegisterInstall(ks),
                   RegisterDelete(ks), RegisterPasswd(ks)});
}

}  // namespace certmint::cli
