#include <fmt/format.h>

#include <iostream>

#include "ca/authority.h"
#include "ca/ca_flags.h"
#include "ca/ca_report.h"
#include "ca/ca_settings.h"
#include "ca/rotation_text.h"
#include "cli/commands.h"
#include "cli/options.h"
#include "cli/passwords.h"
#include "core/fs.h"
#include "identity/deployed.h"
#include "pkcs11/token_key.h"

namespace certmint::cli {
namespace {

// --pkcs11 and --pkcs11-module: the CA key in a PKCS#11 token.
struct TokenFlags {
  std::string uri;
  std::string module;
};

// The token key the flags name, if --pkcs11 is given.
Result<std::optional<TokenKeyRef>> ParseTokenFlags(const TokenFlags& f) {
  if (f.uri.empty()) {
    if (!f.module.empty()) {
      return MakeError(ErrorCode::kInvalidArgument, "--pkcs11-module goes with --pkcs11");
    }
    return std::optional<TokenKeyRef>();
  }
  TokenKeyRef ref;
  CM_ASSIGN_OR_RETURN(ref.uri, ParsePkcs11Uri(f.uri, "--pkcs11"));
  ref.module = f.module.empty() ? DefaultPkcs11Module() : fs::Absolute(f.module);
  return std::optional<TokenKeyRef>(std::move(ref));
}

void AddTokenFlags(CLI::App* cmd, TokenFlags* f, const std::string& what) {
  cmd->add_option("--pkcs11", f->uri,
                  what +
                      " in a PKCS#11 token: 'pkcs11:token=LABEL;object=LABEL' (RFC 7512): "
                      "used if the token has it, else generated there, non-extractable "
                      "(docs/hsm.md); the PIN from --pin-file");
  cmd->add_option("--pkcs11-module", f->module,
                  "The PKCS#11 module (.so) with --pkcs11 (default: p11-kit's proxy "
                  "/usr/lib/x86_64-linux-gnu/p11-kit-proxy.so if installed, else SoftHSM2's "
                  "/usr/lib/softhsm/libsofthsm2.so)");
}

// The secret that opens the existing CA in `dir`: its token's PIN, or the
// password from `source`.
Result<SecretString> ExistingCaSecret(const std::string& dir, const SecretSource& source,
                                      std::string_view what) {
  if (CaKeyInToken(dir)) {
    return ReadTokenPin(PinFileFlag(), "Token PIN (" + std::string(what) + ")");
  }
  return ReadRequiredSecret(source, what);
}

struct CaInitArgs {
  std::string dir;
  CaFlags ca{"CN=certmint CA", "ec:p256", 3650};
  TokenFlags token;
  std::string ca_password_file;
  bool intermediate = false;
  std::string root_dir;
  std::string root_password_file;
  bool json = false;
};

Status RunCaInit(const CaInitArgs& args) {
  if (args.intermediate == args.root_dir.empty()) {
    return MakeError(ErrorCode::kInvalidArgument, "--intermediate and --root-dir go together");
  }
  CM_ASSIGN_OR_RETURN(auto options,
                      ParseCaFlags(args.ca, nullptr, std::chrono::system_clock::now()));
  CM_ASSIGN_OR_RETURN(options.token, ParseTokenFlags(args.token));
  std::optional<CertificateAuthority> root;
  if (args.intermediate) {
    // A token-held root: its PIN (--root-password-file, else --pin-file's).
    const SecretSource root_pw{args.root_password_file, "CERTMINT_ROOT_CA_PASSWORD",
                               "Root CA password", false, "--root-password-file"};
    CM_ASSIGN_OR_RETURN(root, UnlockCa(args.root_dir, [&]() -> Result<SecretString> {
                          if (CaKeyInToken(args.root_dir) && args.root_password_file.empty()) {
                            return ReadTokenPin(PinFileFlag(), "Root token PIN");
                          }
                          return ReadRequiredSecret(root_pw, "root CA password");
                        }));
  }
  CM_ASSIGN_OR_RETURN(auto password, options.token
                                         ? ReadTokenPin(PinFileFlag())
                                         : ReadCaPassword(args.ca_password_file, /*is_new=*/true));
  CM_ASSIGN_OR_RETURN(
      auto ca,
      WithContext(root ? CertificateAuthority::InitIntermediate(args.dir, options, password, *root)
                       : CertificateAuthority::Init(args.dir, options, password),
                  fmt::format("creating CA in {}", args.dir)));
  // A key found in the token may be of another type than --key-type.
  const KeySpec spec = ca.signer().Spec();
  PrintResult(args.json, RenderCaCreatedJson(ca, spec, args.intermediate),
              RenderCaCreatedText(ca, spec, args.intermediate));
  return {};
}

struct SetUrlArgs {
  std::string dir;
  std::string url;
  bool clear = false;
};

Status RunSetUrl(const SetUrlArgs& a) {
  if (a.clear == !a.url.empty()) {
    return MakeError(ErrorCode::kInvalidArgument, "give either a URL or --clear");
  }
  CM_ASSIGN_OR_RETURN(auto settings,
                      SetCaUrl(a.dir, a.clear ? std::nullopt : std::optional(a.url)));
  if (settings.url.empty()) {
    std::cout << fmt::format(
        "{}: no status URL; certificates issued from now on carry no OCSP or CRL location\n",
        a.dir);
  } else {
    const StatusLocations where = StatusLocationsOf(settings.url);
    std::cout << fmt::format(
        "{}: status URL {}\nCertificates issued from now on carry OCSP {} and CRL {}.\n"
        "Serve them with: certmint serve --dir {} --status-listen HOST:PORT\n",
        a.dir, settings.url, where.ocsp_url, where.crl_url, a.dir);
  }
  return {};
}

struct RotateArgs {
  std::string dir;
  CaFlags ca;        // empty subject and key type: the current CA's
  TokenFlags token;  // the new key in a token; none: a file key
  std::string ca_password_file;
  std::string new_ca_password_file;
};

// The new CA's secret: the token's PIN for a token key; for a file key
// --new-ca-password-file, else the current CA's password (a file key), else
// a new password (from a token key).
Result<SecretString> NewRotationSecret(const RotateArgs& a, const CertificateAuthority& current,
                                       const SecretString& current_secret, bool to_token) {
  if (to_token) {
    return ReadTokenPin(PinFileFlag());
  }
  CM_ASSIGN_OR_RETURN(auto new_pw, ReadSecret({a.new_ca_password_file, nullptr, "", false,
                                               "--new-ca-password-file"}));
  if (new_pw) {
    return std::move(*new_pw);
  }
  if (current.key_in_token()) {
    return ReadRequiredSecret(
        {a.ca_password_file, kCaPasswordEnv, "New CA password", true, "--ca-password-file"},
        "password for the new CA's key file (--new-ca-password-file)");
  }
  return SecretString(current_secret.reveal());
}

Status RunRotate(const RotateArgs& a) {
  // Proves the operator holds the current CA before replacing it.
  CM_ASSIGN_OR_RETURN(auto current_pw,
                      ExistingCaSecret(a.dir,
                                       {a.ca_password_file, kCaPasswordEnv, "Current CA password",
                                        false, "--ca-password-file"},
                                       "CA password (the current CA's)"));
  CM_ASSIGN_OR_RETURN(auto current, CertificateAuthority::Load(a.dir, current_pw));
  CM_ASSIGN_OR_RETURN(auto o, ParseCaFlags(a.ca, &current, std::chrono::system_clock::now()));
  CM_ASSIGN_OR_RETURN(o.token, ParseTokenFlags(a.token));
  CM_ASSIGN_OR_RETURN(auto new_pw, NewRotationSecret(a, current, current_pw, o.token.has_value()));
  CM_ASSIGN_OR_RETURN(auto fresh, RotateCa(a.dir, o, new_pw, current));
  std::cout << RenderRotatedText(fresh, o, a.dir);
  return {};
}

struct RetireArgs {
  std::string dir;
  std::string out;
  bool force = false;
};

Status RunRetire(const RetireArgs& a) {
  RetirementChecks checks;
  checks.inventory = !a.force;
  if (!a.out.empty() && !a.force) {
    checks.deployed = DeployedCertificates(a.out);
  }
  const auto now = std::chrono::system_clock::now();
  CM_RETURN_IF_ERROR(CheckRetirement(a.dir, checks, now));
  CM_ASSIGN_OR_RETURN(auto where, RetireCa(a.dir, now));
  std::cout << RenderRetiredText(where);
  return {};
}

}  // namespace

// `ca init` and its flags, bound to `args`.
CLI::App* RegisterCaInit(CLI::App* ca, const std::shared_ptr<CaInitArgs>& args) {
  CLI::App* init = ca->add_subcommand("init", "Create a root CA (certificate and encrypted key)");
  init->add_option("--dir", args->dir, "Directory for ca.crt and ca.key (created 0700)")
      ->required();
  init->add_option("--subject", args->ca.subject, "Subject DN, 'CN=..,O=..' or '/O=../CN=..'");
  AddKeyType(init, &args->ca.key_type);
  AddDays(init, &args->ca.days, /*ca=*/true);
  AddCaPasswordFile(init, &args->ca_password_file);
  AddTokenFlags(init, &args->token, "The CA key");
  init->add_flag("--intermediate", args->intermediate,
                 "Make an issuing CA signed by the root in --root-dir (pathLen 0); the root's key "
                 "can then stay offline");
  init->add_option("--root-dir", args->root_dir, "The root CA's directory (with --intermediate)");
  init->add_option("--root-password-file", args->root_password_file,
                   "File whose first line is the root CA key password, or its token's PIN (else "
                   "$CERTMINT_ROOT_CA_PASSWORD, else a prompt; a token root: else --pin-file)");
  init->add_option("--url", args->ca.url,
                   "Base URL of the service's status listener (http://HOST[:PORT]); issued "
                   "certificates then carry its OCSP and CRL locations (docs/revocation.md)");
  AddJson(init, &args->json);
  return init;
}

Runner RegisterCaCommands(CLI::App* app, const GlobalOptions& /*global*/) {
  CLI::App* ca = app->add_subcommand("ca", "Manage the cluster's certificate authority");
  ca->require_subcommand(1);
  auto args = std::make_shared<CaInitArgs>();
  CLI::App* init = RegisterCaInit(ca, args);
  auto seturl = std::make_shared<SetUrlArgs>();
  CLI::App* set_url = ca->add_subcommand(
      "set-url", "Set or clear the status URL certificates issued from now on carry");
  AddCaDir(set_url, &seturl->dir);
  set_url->add_option("url", seturl->url,
                      "Base URL of the service's status listener, http://HOST[:PORT]");
  set_url->add_flag("--clear", seturl->clear,
                    "Remove the URL: certificates issued from now on carry no OCSP or CRL "
                    "location");
  auto rot = std::make_shared<RotateArgs>();
  CLI::App* rotate = ca->add_subcommand(
      "rotate", "Start a CA rotation: a new CA signs from now on, the old one stays trusted");
  AddCaDir(rotate, &rot->dir);
  rotate->add_option("--subject", rot->ca.subject,
                     "Subject DN, 'CN=..,O=..' or '/O=../CN=..' (default: the old CA's, dated)");
  rotate->add_option("--key-type", rot->ca.key_type,
                     "rsa:2048|rsa:3072|rsa:4096|ec:p256|ec:p384|ed25519 (default: the old CA's)");
  AddDays(rotate, &rot->ca.days, /*ca=*/true);
  AddCaPasswordFile(rotate, &rot->ca_password_file);
  rotate->add_option("--new-ca-password-file", rot->new_ca_password_file,
                     "File whose first line is the new CA's key password (else the current one)");
  AddTokenFlags(rotate, &rot->token, "The new CA key");

  auto ret = std::make_shared<RetireArgs>();
  CLI::App* retire = ca->add_subcommand(
      "retire", "End a CA rotation: stop trusting the previous CA (after every node moved)");
  AddCaDir(retire, &ret->dir);
  AddIdentityOut(retire, &ret->out, IdentityOutUse::kCheck);
  retire->add_flag("--force", ret->force, "Retire without these checks");

  return Dispatch({{init, FromStatus([args] { return RunCaInit(*args); })},
                   {set_url, FromStatus([seturl] { return RunSetUrl(*seturl); })},
                   {rotate, FromStatus([rot] { return RunRotate(*rot); })},
                   {retire, FromStatus([ret] { return RunRetire(*ret); })}});
}

}  // namespace certmint::cli
