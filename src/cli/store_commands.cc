// certmint convert and certmint keystore ...: the seed's keytool import and
// export steps, natively, each write atomic and the original untouched on
// any error.
#include <iostream>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "cli/commands.h"
#include "cli/passwords.h"
#include "core/clock.h"
#include "core/fs.h"
#include "identity/files.h"
#include "identity/identity.h"
#include "stores/store_io.h"

namespace certmint::cli {
namespace {

constexpr const char* kNewPasswordEnv = "CERTMINT_NEW_PASSWORD";

struct StoreArgs {
  std::string store;
  std::string type;
  std::string password_file;
  std::string p12_profile;  // empty: as the store is (modern for a new one)
  std::string pem_profile;  // likewise
};

constexpr const char* kPemProfileHelp =
    "PEM key encryption when writing: modern (PBES2, AES-256) or java (PBEWithSHA1AndDESede, "
    "for Kafka's ssl.keystore.type=PEM)";

// `base` with --p12-profile and --pem-profile applied where given.
Result<StoreWriteOptions> ParseWriteOptions(std::string_view p12_profile,
                                            std::string_view pem_profile,
                                            StoreWriteOptions base = {}) {
  if (!p12_profile.empty()) {
    CM_ASSIGN_OR_RETURN(base.pkcs12.profile,
                        WithContext(ParsePkcs12Profile(p12_profile), "--p12-profile"));
  }
  if (!pem_profile.empty()) {
    CM_ASSIGN_OR_RETURN(base.pem, WithContext(ParsePemProfile(pem_profile), "--pem-profile"));
  }
  return base;
}

void AddStoreOptions(CLI::App* cmd, StoreArgs& a, bool with_type) {
  cmd->add_option("STORE", a.store, "The key store or truststore file")->required();
  cmd->add_option("--password-file", a.password_file,
                  "File whose first line is the store password (else $CERTMINT_PASSWORD, else a "
                  "prompt)");
  cmd->add_option("--p12-profile", a.p12_profile,
                  "PKCS#12 profile when writing: modern or legacy (default: as the store is, "
                  "keeping a passwordless truststore passwordless; modern for a new store)");
  cmd->add_option("--pem-profile", a.pem_profile,
                  std::string(kPemProfileHelp) + " (default: as the store is; modern for a new "
                  "store)");
  if (with_type) {
    cmd->add_option("--type", a.type,
                    "Store type for a new file: jks, p12 or pem (default: from the extension)");
  }
  AddArgvPasswordTraps(cmd);
}

Result<SecretString> StorePassword(const StoreArgs& a) {
  CM_ASSIGN_OR_RETURN(auto pw, ReadSecret({a.password_file, kStorePasswordEnv, "Store password",
                                           false, "--password-file"}));
  if (!pw) {
    return MakeError(ErrorCode::kInvalidArgument,
                     fmt::format("no store password: give --password-file FILE, set {}, or run on "
                                 "a terminal to be prompted",
                                 kStorePasswordEnv));
  }
  return std::move(*pw);
}

// Loads STORE, lets `edit` change it, and writes it back in its own format
// and protection (PKCS#12 profile, passwordless truststore, PEM key profile)
// unless --p12-profile or --pem-profile says otherwise.
// With `create`, a missing STORE starts empty (format from --type or the
// extension).
// `edit` gets the store password too (a key's password defaults to it).
using StoreEdit = std::function<Status(KeyStore&, const SecretString&)>;
Status EditStore(const StoreArgs& a, bool create, const StoreEdit& edit,
                 const SecretString* new_password = nullptr) {
  CM_RETURN_IF_ERROR(ParseWriteOptions(a.p12_profile, a.pem_profile));  // bad flags first
  CM_ASSIGN_OR_RETURN(auto password, StorePassword(a));
  KeyStore store;
  StoreFormat format = StoreFormat::kPkcs12;
  StoreWriteOptions form;  // how the store was written: kept unless a flag says otherwise
  if (create && !fs::Exists(a.store)) {
    if (!a.type.empty()) {
      CM_ASSIGN_OR_RETURN(format, WithContext(ParseStoreFormat(a.type), "--type"));
    } else {
      CM_ASSIGN_OR_RETURN(format, FormatForPath(a.store));
    }
  } else {
    CM_ASSIGN_OR_RETURN(store, LoadStoreFile(a.store, &password, &format, &form));
    if (format == StoreFormat::kJceks) {
      return MakeError(ErrorCode::kInvalidArgument,
                       fmt::format("{}: certmint reads JCEKS but does not write it; convert it "
                                   "first: certmint convert {} OUT.p12 --to p12",
                                   a.store, a.store));
    }
  }
  CM_ASSIGN_OR_RETURN(auto options, ParseWriteOptions(a.p12_profile, a.pem_profile, form));
  CM_RETURN_IF_ERROR(WithContext(edit(store, password), a.store));
  return SaveStoreFile(a.store, store, format, new_password ? *new_password : password, options);
}

Result<Certificate> LoadCertificateFile(const std::string& path, const char* flag) {
  CM_ASSIGN_OR_RETURN(auto data, WithContext(fs::ReadFile(path), flag));
  auto cert = data.find("-----BEGIN") != std::string::npos ? Certificate::FromPem(data)
                                                            : Certificate::FromDer(data);
  return WithContext(std::move(cert), fmt::format("{} {}", flag, path));
}

}  // namespace

Runner RegisterConvertCommand(CLI::App* app, const GlobalOptions& /*global*/) {
  struct Args {
    std::string in;
    std::string out;
    std::string to;
    std::string password_file;
    std::string out_password_file;
    std::string p12_profile = "modern";
    std::string pem_profile = "modern";
  };
  auto a = std::make_shared<Args>();
  CLI::App* cmd = app->add_subcommand("convert", "Convert a store between JKS, PKCS#12 and PEM");
  cmd->add_option("IN", a->in, "Store to read: JKS, JCEKS, PKCS#12 or PEM")->required();
  cmd->add_option("OUT", a->out, "File to write (must not exist)")->required();
  cmd->add_option("--to", a->to, "Output format: jks, p12 or pem")->required();
  cmd->add_option("--password-file", a->password_file,
                  "File whose first line is IN's password (else $CERTMINT_PASSWORD)");
  cmd->add_option("--out-password-file", a->out_password_file,
                  "File whose first line is OUT's password (else $CERTMINT_NEW_PASSWORD, else "
                  "IN's password)");
  cmd->add_option("--p12-profile", a->p12_profile, "PKCS#12 profile: modern or legacy")
      ->capture_default_str();
  cmd->add_option("--pem-profile", a->pem_profile, kPemProfileHelp)->capture_default_str();
  AddArgvPasswordTraps(cmd);
  cmd->footer(
      "PEM output: the key as encrypted PKCS#8, then the certificate chain, leaf first; a\n"
      "truststore becomes its CA certificates. librdkafka and OpenSSL read either profile.\n"
      "Kafka's PEM stores (ssl.keystore.type=PEM, ssl.key.password; no ssl.keystore.password)\n"
      "need --pem-profile java on Java 17 (and RSA or EC keys): Java cannot decrypt PBES2.\n\n"
      "Examples:\n  certmint convert kafka.server.keystore.jks server.p12 --to p12 "
      "--password-file store.pass\n"
      "  certmint convert certs/broker-1/keystore.p12 broker-1.pem --to pem --pem-profile java "
      "\\\n      --password-file certs/broker-1/password");
  return FromStatus([cmd, a]() -> Status {
    CM_RETURN_IF_ERROR(CheckArgvPasswordTraps(cmd));
    CM_ASSIGN_OR_RETURN(auto to, WithContext(ParseStoreFormat(a->to), "--to"));
    CM_ASSIGN_OR_RETURN(auto options, ParseWriteOptions(a->p12_profile, a->pem_profile));
    if (fs::Exists(a->out)) {
      return MakeError(ErrorCode::kAlreadyExists,
                       fmt::format("{} already exists; refusing to overwrite", a->out));
    }
    CM_ASSIGN_OR_RETURN(auto in_pw, ExplicitPassword(a->password_file));
    CM_ASSIGN_OR_RETURN(auto out_pw, ReadNewStorePassword({a->out_password_file, kNewPasswordEnv,
                                                           "", false, "--out-password-file"}));
    CM_ASSIGN_OR_RETURN(auto store, LoadStoreFile(a->in, in_pw ? &*in_pw : nullptr));
    const SecretString* pw = out_pw ? &*out_pw : in_pw ? &*in_pw : nullptr;
    if (pw == nullptr) {
      if (to != StoreFormat::kPem || !store.keys.empty()) {
        return MakeError(ErrorCode::kInvalidArgument,
                         "no password for OUT: give --out-password-file or --password-file");
      }
    } else if (!out_pw) {
      CM_RETURN_IF_ERROR(WithContext(CheckNewStorePassword(pw->reveal()), "--password-file"));
    }
    SecretString none;
    CM_RETURN_IF_ERROR(SaveStoreFile(a->out, store, to, pw ? *pw : none, options));
    std::cout << fmt::format("Wrote {} ({}, {} entr{})\n", a->out, StoreFormatName(to),
                             store.size(), store.size() == 1 ? "y" : "ies");
    return {};
  });
}

Runner RegisterKeystoreCommands(CLI::App* app, const GlobalOptions& /*global*/) {
  CLI::App* ks = app->add_subcommand(
      "keystore", "Edit JKS, PKCS#12 and PEM stores: import-cert, import-key, delete, passwd");
  ks->require_subcommand(1);

  auto ic = std::make_shared<std::pair<StoreArgs, std::pair<std::string, std::string>>>();
  CLI::App* import_cert =
      ks->add_subcommand("import-cert", "Add a trusted certificate (created if STORE is missing)");
  AddStoreOptions(import_cert, ic->first, true);
  import_cert->add_option("--file", ic->second.first, "Certificate, PEM or DER")->required();
  import_cert->add_option("--alias", ic->second.second, "Alias (stored lower-case)")->required();
  import_cert->footer(
      "Replaces: keytool -keystore truststore.jks -alias CARoot -import -file ca-cert\n\n"
      "Example:\n  certmint keystore import-cert truststore.jks --file ca.crt --alias caroot "
      "--password-file store.pass");

  struct ImportKeyArgs {
    StoreArgs store;
    std::string key;
    std::string chain;
    std::string alias;
    std::string key_password_file;
  };
  auto ik = std::make_shared<ImportKeyArgs>();
  CLI::App* import_key = ks->add_subcommand(
      "import-key", "Add a private key with its certificate chain (created if STORE is missing)");
  AddStoreOptions(import_key, ik->store, true);
  import_key->add_option("--key", ik->key, "Private key, PEM (PKCS#8 or traditional)")->required();
  import_key->add_option("--chain", ik->chain, "Certificate chain, PEM, leaf first")->required();
  import_key->add_option("--alias", ik->alias, "Alias (stored lower-case)")->required();
  import_key->add_option("--key-password-file", ik->key_password_file,
                         "Password of an encrypted --key (default: the store password)");
  import_key->footer(
      "Replaces: keytool -keystore keystore.jks -alias NODE -import -file cert-signed\n\n"
      "Example:\n  certmint keystore import-key keystore.p12 --key node.key --chain chain.pem "
      "--alias broker-1 --password-file store.pass");

  struct InstallArgs {
    std::string key;
    std::string chain;
    std::string ca;
    std::string out = ".";
    std::string name;
    std::string formats = "pem,p12,jks";
    std::string password_file;
    std::string key_password_file;
  };
  auto in = std::make_shared<InstallArgs>();
  CLI::App* install = ks->add_subcommand(
      "install", "Build a node's stores (all formats) from its key and the signed chain");
  install->add_option("--key", in->key, "The node's private key (PEM, from certmint csr)")
      ->required();
  install->add_option("--chain", in->chain, "The signed certificate chain (from certmint sign)")
      ->required();
  install->add_option("--ca", in->ca, "The root CA certificate, when the chain lacks it");
  install->add_option("--out", in->out, "Directory under which OUT/NAME/ is created")
      ->capture_default_str();
  install->add_option("--name", in->name, "Identity name (default: the certificate's CN)");
  install->add_option("--format", in->formats, "pem, p12, jks")->capture_default_str();
  install->add_option("--password-file", in->password_file,
                      "Store password (else $CERTMINT_PASSWORD, else the key's password)");
  install->add_option("--key-password-file", in->key_password_file,
                      "Key password (else the password file beside the key)");
  AddArgvPasswordTraps(install);
  install->footer("Example:\n  certmint keystore install --key broker-7.key --chain broker-7.crt "
                  "--out /etc/kafka");

  auto del = std::make_shared<std::pair<StoreArgs, std::string>>();
  CLI::App* remove = ks->add_subcommand("delete", "Remove an entry");
  AddStoreOptions(remove, del->first, false);
  remove->add_option("--alias", del->second, "Alias of the entry")->required();
  remove->footer("Example:\n  certmint keystore delete truststore.p12 --alias old-ca "
                 "--password-file store.pass");

  auto pwd = std::make_shared<std::pair<StoreArgs, std::string>>();
  CLI::App* passwd = ks->add_subcommand(
      "passwd", "Change the store password (private keys are re-encrypted with it)");
  AddStoreOptions(passwd, pwd->first, false);
  passwd->add_option("--new-password-file", pwd->second,
                     "File whose first line is the new password (else $CERTMINT_NEW_PASSWORD, "
                     "else a prompt)");
  passwd->footer("Example:\n  certmint keystore passwd keystore.jks --password-file old.pass "
                 "--new-password-file new.pass");

  return FromStatus([=]() -> Status {
    for (CLI::App* c : {import_cert, import_key, remove, passwd, install}) {
      if (c->parsed()) {
        CM_RETURN_IF_ERROR(CheckArgvPasswordTraps(c));
      }
    }
    if (import_cert->parsed()) {
      CM_ASSIGN_OR_RETURN(auto cert, LoadCertificateFile(ic->second.first, "--file"));
      CM_RETURN_IF_ERROR(EditStore(ic->first, true, [&](KeyStore& s, const SecretString&) {
        return AddTrustedCertificate(s, ic->second.second, cert, SystemNow());
      }));
      std::cout << fmt::format("Added trusted certificate '{}' ({}) to {}\n",
                               NormalizeAlias(ic->second.second), cert.Subject().ToString(),
                               ic->first.store);
      return {};
    }
    if (import_key->parsed()) {
      CM_ASSIGN_OR_RETURN(auto chain_pem, WithContext(fs::ReadFile(ik->chain), "--chain"));
      CM_ASSIGN_OR_RETURN(auto chain, WithContext(Certificate::ChainFromPem(chain_pem),
                                                  fmt::format("--chain {}", ik->chain)));
      CM_ASSIGN_OR_RETURN(auto key_pem, WithContext(fs::ReadFile(ik->key), "--key"));
      // Wiped on every path out of here.
      struct Wipe {
        std::string& s;
        ~Wipe() { Cleanse(s); }
      } wipe{key_pem};
      CM_ASSIGN_OR_RETURN(auto key_pw, ReadSecret({ik->key_password_file, nullptr, "", false,
                                                   "--key-password-file"}));
      CM_RETURN_IF_ERROR(EditStore(ik->store, true,
                                   [&](KeyStore& s, const SecretString& store_pw) -> Status {
                                     CM_ASSIGN_OR_RETURN(
                                         auto key,
                                         WithContext(PrivateKey::FromPem(
                                                         key_pem, key_pw ? &*key_pw : &store_pw),
                                                     fmt::format("--key {}", ik->key)));
                                     return AddKeyEntry(s, ik->alias, key, chain, SystemNow());
                                   }));
      std::cout << fmt::format("Added key entry '{}' (chain length {}) to {}\n",
                               NormalizeAlias(ik->alias), chain.size(), ik->store.store);
      return {};
    }
    if (install->parsed()) {
      CM_ASSIGN_OR_RETURN(auto chain_pem, WithContext(fs::ReadFile(in->chain), "--chain"));
      CM_ASSIGN_OR_RETURN(auto chain, WithContext(Certificate::ChainFromPem(chain_pem),
                                                  "--chain " + in->chain));
      if (!in->ca.empty()) {
        CM_ASSIGN_OR_RETURN(auto ca_pem, WithContext(fs::ReadFile(in->ca), "--ca"));
        CM_ASSIGN_OR_RETURN(auto ca, WithContext(Certificate::FromPem(ca_pem), "--ca " + in->ca));
        chain.push_back(ca);
      }
      if (chain.size() < 2) {
        return MakeError(ErrorCode::kInvalidArgument,
                         "the chain holds no CA certificate: give --ca with the root");
      }
      const std::string key_pw_file = !in->key_password_file.empty()
                                          ? in->key_password_file
                                          : fs::Dirname(in->key) + "/password";
      CM_ASSIGN_OR_RETURN(auto key_pw, ReadSecret({fs::Exists(key_pw_file) ? key_pw_file : "",
                                                   kStorePasswordEnv, "Key password", false,
                                                   "--key-password-file"}));
      CM_ASSIGN_OR_RETURN(auto key_pem, WithContext(fs::ReadFile(in->key), "--key"));
      auto key = PrivateKey::FromPem(key_pem, key_pw ? &*key_pw : nullptr);
      Cleanse(key_pem);
      if (!key) {
        return tl::unexpected(key.error().AddContext("--key " + in->key));
      }
      if (!chain[0].MatchesKey(*key)) {
        return MakeError(ErrorCode::kInvalidArgument,
                         "the first certificate of the chain does not belong to the key");
      }
      const std::string name = !in->name.empty() ? in->name : chain[0].Subject().CommonNameValue();
      CM_RETURN_IF_ERROR(ValidateIdentityName(name));
      CM_ASSIGN_OR_RETURN(auto store_pw, ExplicitPassword(in->password_file));
      const SecretString* pw = store_pw ? &*store_pw : key_pw ? &*key_pw : nullptr;
      if (pw == nullptr) {
        return MakeError(ErrorCode::kInvalidArgument, "no store password: give --password-file");
      }
      Identity identity{name, *key, chain[0], std::vector<Certificate>(chain.begin() + 1, chain.end())};
      IdentityOutput output;
      CM_ASSIGN_OR_RETURN(output.formats, WithContext(ParseFormatList(in->formats), "--format"));
      // The key's own password, from its file: keep it beside the stores.
      output.write_password_file = !store_pw;
      CM_ASSIGN_OR_RETURN(auto files, WriteIdentity(in->out, identity, *pw, output));
      std::cout << fmt::format("Installed {} in {} (chain length {})\n", name, files.dir,
                               chain.size());
      return {};
    }
    if (remove->parsed()) {
      CM_RETURN_IF_ERROR(EditStore(del->first, false, [&](KeyStore& s, const SecretString&) {
        return DeleteEntry(s, del->second);
      }));
      std::cout << fmt::format("Deleted '{}' from {}\n", NormalizeAlias(del->second),
                               del->first.store);
      return {};
    }
    CM_ASSIGN_OR_RETURN(auto new_pw,
                        ReadNewStorePassword({pwd->second, kNewPasswordEnv, "New store password",
                                              true, "--new-password-file"}));
    if (!new_pw) {
      return MakeError(ErrorCode::kInvalidArgument,
                       fmt::format("no new password: give --new-password-file FILE, set {}, or "
                                   "run on a terminal",
                                   kNewPasswordEnv));
    }
    CM_RETURN_IF_ERROR(EditStore(
        pwd->first, false, [](KeyStore&, const SecretString&) -> Status { return {}; }, &*new_pw));
    std::cout << fmt::format("Changed the password of {}\n", pwd->first.store);
    return {};
  });
}

}  // namespace certmint::cli
