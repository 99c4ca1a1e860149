#include <iostream>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "ca/authority.h"
#include "cli/commands.h"
#include "cli/passwords.h"

namespace certmint::cli {
namespace {

struct CaInitArgs {
  std::string dir;
  std::string subject = "CN=certmint CA";
  std::string key_type = "ec:p256";
  int days = 3650;
  std::string ca_password_file;
  bool intermediate = false;
  std::string root_dir;
  std::string root_password_file;
  bool json = false;
};

Status RunCaInit(const CaInitArgs& args) {
  CM_ASSIGN_OR_RETURN(auto subject, WithContext(DistinguishedName::Parse(args.subject), "--subject"));
  CM_ASSIGN_OR_RETURN(auto spec, WithContext(ParseKeySpec(args.key_type), "--key-type"));
  if (args.days < 1) {
    return MakeError(ErrorCode::kInvalidArgument, "--days: must be at least 1");
  }
  CM_ASSIGN_OR_RETURN(auto password,
                      ReadSecret({args.ca_password_file, kCaPasswordEnv, "New CA password",
                                  /*confirm=*/true, "--ca-password-file"}));
  if (!password) {
    return MakeError(ErrorCode::kInvalidArgument,
                     fmt::format("no CA password: give --ca-password-file FILE, set {}, or run on "
                                 "a terminal to be prompted (the CA key is always encrypted)",
                                 kCaPasswordEnv));
  }
  CaInitOptions options{subject, spec, args.days, std::chrono::system_clock::now(),
                        kCaKeyIterations};
  std::optional<CertificateAuthority> root;
  if (args.intermediate) {
    CM_RETURN_IF_ERROR(CertificateAuthority::LoadCertificate(args.root_dir));
    CM_ASSIGN_OR_RETURN(auto root_pw,
                        ReadSecret({args.root_password_file, "CERTMINT_ROOT_CA_PASSWORD",
                                    "Root CA password", false, "--root-password-file"}));
    if (!root_pw) {
      return MakeError(ErrorCode::kInvalidArgument,
                       "no root CA password: give --root-password-file FILE, set "
                       "CERTMINT_ROOT_CA_PASSWORD, or run on a terminal");
    }
    CM_ASSIGN_OR_RETURN(auto r, CertificateAuthority::Load(args.root_dir, *root_pw));
    root.emplace(std::move(r));
  }
  CM_ASSIGN_OR_RETURN(auto ca, WithContext(root ? CertificateAuthority::InitIntermediate(
                                                      args.dir, options, *password, *root)
                                                : CertificateAuthority::Init(args.dir, options,
                                                                             *password),
                                           fmt::format("creating CA in {}", args.dir)));
  const Certificate& cert = ca.certificate();
  if (args.json) {
    nlohmann::json j{{"dir", args.dir},
                     {"intermediate", args.intermediate},
                     {"certificate", CaCertPath(args.dir)},
                     {"key", CaKeyPath(args.dir)},
                     {"subject", cert.Subject().ToString()},
                     {"key_type", spec.ToString()},
                     {"not_after", FormatUtc(cert.NotAfter())},
                     {"sha256_fingerprint", cert.Sha256Fingerprint()}};
    PrintJson(j.dump(2));
  } else {
    std::cout << fmt::format(
        "Created {}CA '{}' ({}), valid until {}\n"
        "  certificate: {}\n"
        "  key:         {} (encrypted)\n"
        "  SHA-256:     {}\n",
        args.intermediate ? "intermediate " : "", cert.Subject().ToString(), spec.ToString(),
        FormatUtc(cert.NotAfter()),
        CaCertPath(args.dir), CaKeyPath(args.dir), cert.Sha256Fingerprint());
  }
  return {};
}

}  // namespace

Runner RegisterCaCommands(CLI::App* app, const GlobalOptions& /*global*/) {
  CLI::App* ca = app->add_subcommand("ca", "Manage the cluster's certificate authority");
  ca->require_subcommand(1);
  CLI::App* init = ca->add_subcommand("init", "Create a root CA (certificate and encrypted key)");
  auto args = std::make_shared<CaInitArgs>();
  init->add_option("--dir", args->dir, "Directory for ca.crt and ca.key (created 0700)")
      ->required();
  init->add_option("--subject", args->subject,
                   "CA subject, 'CN=Kafka CA,O=Acme' or '/O=Acme/CN=Kafka CA'")
      ->capture_default_str();
  init->add_option("--key-type", args->key_type,
                   "rsa:2048|rsa:3072|rsa:4096|ec:p256|ec:p384|ed25519")
      ->capture_default_str();
  init->add_option("--days", args->days, "Validity in days")->capture_default_str();
  init->add_option("--ca-password-file", args->ca_password_file,
                   "File whose first line is the CA key password (else $CERTMINT_CA_PASSWORD, "
                   "else a prompt)");
  init->add_flag("--intermediate", args->intermediate,
                 "Make an issuing CA signed by the root in --root-dir (pathLen 0); the root's key "
                 "can then stay offline");
  init->add_option("--root-dir", args->root_dir, "The root CA's directory (with --intermediate)");
  init->add_option("--root-password-file", args->root_password_file,
                   "File whose first line is the root CA key password (else "
                   "$CERTMINT_ROOT_CA_PASSWORD, else a prompt)");
  init->add_flag("--json", args->json, "Print the result as JSON");
  AddArgvPasswordTraps(init);
  init->footer(
      "The key is stored as encrypted PKCS#8 (AES-256-CBC, PBKDF2-HMAC-SHA256, 600,000 "
      "iterations),\nmode 0600. An existing CA is never overwritten.\n\n"
      "Example:\n  certmint ca init --dir pki --subject 'CN=Kafka CA,O=Acme' "
      "--ca-password-file ca.pass\n"
      "  certmint ca init --dir issuing --intermediate --root-dir pki --subject 'CN=Kafka "
      "Issuing CA' \\\n      --root-password-file root.pass --ca-password-file issuing.pass");
  return FromStatus([init, args]() -> Status {
    CM_RETURN_IF_ERROR(CheckArgvPasswordTraps(init));
    if (args->intermediate == args->root_dir.empty()) {
      return MakeError(ErrorCode::kInvalidArgument,
                       "--intermediate and --root-dir go together");
    }
    return RunCaInit(*args);
  });
}

}  // namespace certmint::cli
