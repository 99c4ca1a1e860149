// certmint ca init, set-url, rotate and retire (ca/ca_actions.h,
// identity/ca_retirement.h).
#include "ca/ca_actions.h"
#include "cli/commands.h"
#include "cli/options.h"
#include "cli/passwords.h"
#include "core/clock.h"
#include "identity/ca_retirement.h"

namespace certmint::cli {
namespace {

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

struct CaInitArgs {
  CaInitRequest request;
  bool json = false;
  CaInitArgs() { request.ca = {"CN=certmint CA", "ec:p256", 3650}; }
};

Status RunCaInit(const CaInitArgs& args) {
  CaInitRequest request = args.request;
  request.secrets.pin_file = PinFileFlag();
  request.now = SystemNow();
  CM_ASSIGN_OR_RETURN(auto report, InitCaFromFlags(request));
  PrintResult(args.json, report.json, report.text);
  return {};
}

struct SetUrlArgs {
  std::string dir;
  std::string url;
  bool clear = false;
};

}  // namespace

// `ca init` and its flags, bound to `args`.
CLI::App* RegisterCaInit(CLI::App* ca, const std::shared_ptr<CaInitArgs>& args) {
  CLI::App* init = ca->add_subcommand("init", "Create a root CA (certificate and encrypted key)");
  init->add_option("--dir", args->request.dir, "Directory for ca.crt and ca.key (created 0700)")
      ->required();
  init->add_option("--subject", args->request.ca.subject,
                   "Subject DN, 'CN=..,O=..' or '/O=../CN=..'");
  AddKeyType(init, &args->request.ca.key_type);
  AddDays(init, &args->request.ca.days, /*ca=*/true);
  AddCaPasswordFile(init, &args->request.secrets.password_file);
  AddTokenFlags(init, &args->request.token, "The CA key");
  init->add_flag("--intermediate", args->request.intermediate,
                 "Make an issuing CA signed by the root in --root-dir (pathLen 0); the root's key "
                 "can then stay offline");
  init->add_option("--root-dir", args->request.root_dir,
                   "The root CA's directory (with --intermediate)");
  init->add_option("--root-password-file", args->request.root_password_file,
                   "File whose first line is the root CA key password, or its token's PIN (else "
                   "$CERTMINT_ROOT_CA_PASSWORD, else a prompt; a token root: else --pin-file)");
  init->add_option("--url", args->request.ca.url,
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
  auto rot = std::make_shared<CaRotateRequest>();
  CLI::App* rotate = ca->add_subcommand(
      "rotate", "Start a CA rotation: a new CA signs from now on, the old one stays trusted");
  AddCaDir(rotate, &rot->dir);
  rotate->add_option("--subject", rot->ca.subject,
                     "Subject DN, 'CN=..,O=..' or '/O=../CN=..' (default: the old CA's, dated)");
  rotate->add_option("--key-type", rot->ca.key_type,
                     "rsa:2048|rsa:3072|rsa:4096|ec:p256|ec:p384|ed25519 (default: the old CA's)");
  AddDays(rotate, &rot->ca.days, /*ca=*/true);
  AddCaPasswordFile(rotate, &rot->secrets.password_file);
  rotate->add_option("--new-ca-password-file", rot->new_password_file,
                     "File whose first line is the new CA's key password (else the current one)");
  AddTokenFlags(rotate, &rot->token, "The new CA key");

  auto ret = std::make_shared<CaRetireRequest>();
  CLI::App* retire = ca->add_subcommand(
      "retire", "End a CA rotation: stop trusting the previous CA (after every node moved)");
  AddCaDir(retire, &ret->dir);
  AddIdentityOut(retire, &ret->out, IdentityOutUse::kCheck);
  retire->add_flag("--force", ret->force, "Retire without these checks");

  return Dispatch({{init, FromStatus([args] { return RunCaInit(*args); })},
                   {set_url, PrintingText([a = seturl] {
                      return SetCaUrlFromFlags(a->dir, a->url, a->clear);
                    })},
                   {rotate, PrintingText([rot] {
                      CaRotateRequest request = *rot;
                      request.secrets.pin_file = PinFileFlag();
                      request.now = SystemNow();
                      return RotateCaFromFlags(request);
                    })},
                   {retire, PrintingText([ret] {
                      CaRetireRequest request = *ret;
                      request.now = SystemNow();
                      return RetireCaChecked(request);
                    })}});
}

}  // namespace certmint::cli
