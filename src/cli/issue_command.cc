#include <iostream>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "ca/authority.h"
#include "ca/issuer.h"
#include "cli/commands.h"
#include "cli/identity_report.h"
#include "cli/passwords.h"
#include "cli/store_args.h"
#include "core/fs.h"
#include "core/random.h"
#include "identity/files.h"
#include "identity/identity.h"
#include "inventory/inventory.h"
#include "stores/keystore.h"
#include "stores/pkcs12.h"

namespace certmint::cli {
namespace {

struct IssueArgs {
  std::string name;
  std::string dir;
  std::vector<std::string> dns;
  std::vector<std::string> ips;
  std::string role = "both";
  int days = 365;
  std::string key_type = "ec:p256";
  std::string subject;
  std::string out = ".";
  std::string password_file;
  std::string ca_password_file;
  StoreOutputArgs output;
  bool json = false;
};

Status RunIssue(const IssueArgs& args) {
  // Check every argument before asking for passwords or touching files.
  CM_RETURN_IF_ERROR(ValidateNodeName(args.name));
  IdentityRequest request;
  request.name = args.name;
  CM_ASSIGN_OR_RETURN(request.sans, ParseSanFlags(args.dns, args.ips));
  CM_ASSIGN_OR_RETURN(request.role, WithContext(ParseRole(args.role), "--role"));
  CM_ASSIGN_OR_RETURN(request.key_spec, WithContext(ParseKeySpec(args.key_type), "--key-type"));
  if (!args.subject.empty()) {
    CM_ASSIGN_OR_RETURN(auto subject,
                        WithContext(DistinguishedName::Parse(args.subject), "--subject"));
    request.subject = subject;
  }
  if (args.days < 1) {
    return MakeError(ErrorCode::kInvalidArgument, "--days: must be at least 1");
  }
  request.days = args.days;
  request.now = std::chrono::system_clock::now();
  CM_ASSIGN_OR_RETURN(IdentityOutput output, ParseStoreOutputArgs(args.output, args.name));
  output.now = request.now;

  const IdentityFiles paths = IdentityPaths(args.out, args.name, output);
  if (fs::Exists(paths.dir)) {
    return MakeError(ErrorCode::kAlreadyExists,
                     fmt::format("{} already exists; refusing to overwrite", paths.dir));
  }
  // Fail on a missing CA before prompting for its password.
  CM_RETURN_IF_ERROR(CertificateAuthority::LoadCertificate(args.dir));

  CM_ASSIGN_OR_RETURN(auto store, NewStorePassword(args.password_file));
  CM_ASSIGN_OR_RETURN(auto ca_password, ReadCaPassword(args.ca_password_file, /*is_new=*/false));
  CM_ASSIGN_OR_RETURN(auto ca, CertificateAuthority::Load(args.dir, ca_password));
  ca_password.clear();

  CM_ASSIGN_OR_RETURN(auto inventory, OpenInventory(args.dir));
  output.write_password_file = store.generated;
  CM_ASSIGN_OR_RETURN(output.trust, TrustAnchors(args.dir));
  IdentityFiles files;
  CM_ASSIGN_OR_RETURN(
      auto identity,
      WithContext(IssueIdentity(Issuer(ca, inventory.get()), request,
                                [&](const Identity& issued) -> Status {
                                  CM_ASSIGN_OR_RETURN(files, WriteIdentity(args.out, issued,
                                                                           store.password, output));
                                  return {};
                                }),
                  fmt::format("issuing {}", args.name)));
  ReportIdentity(files, args.name, identity.certificate, request.key_spec, request.role,
                 args.json, "Issued");
  return {};
}

}  // namespace

Runner RegisterIssueCommand(CLI::App* app, const GlobalOptions& /*global*/) {
  CLI::App* cmd = app->add_subcommand(
      "issue", "Make a key and a CA-signed certificate for a node or client");
  auto args = std::make_shared<IssueArgs>();
  cmd->add_option("NAME", args->name,
                  "Identity name: directory and file names, CN, and a DNS SAN when it is a host "
                  "name")
      ->required();
  cmd->add_option("--dir", args->dir, "The CA's directory (from 'certmint ca init')")->required();
  cmd->add_option("--dns", args->dns, "DNS subjectAltName (repeatable; '*.example.com' allowed)");
  cmd->add_option("--ip", args->ips, "IP subjectAltName (repeatable; IPv4 or IPv6)");
  cmd->add_option("--role", args->role,
                  "server (EKU serverAuth), client (clientAuth) or both (brokers: they are "
                  "clients of each other)")
      ->capture_default_str();
  cmd->add_option("--days", args->days, "Validity in days (never beyond the CA's)")
      ->capture_default_str();
  cmd->add_option("--key-type", args->key_type,
                  "rsa:2048|rsa:3072|rsa:4096|ec:p256|ec:p384|ed25519")
      ->capture_default_str();
  cmd->add_option("--subject", args->subject, "Subject DN (default CN=NAME)");
  cmd->add_option("--out", args->out, "Directory under which OUT/NAME/ is created")
      ->capture_default_str();
  cmd->add_option("--password-file", args->password_file,
                  "File whose first line is the store password: 6+ printable ASCII characters, "
                  "no space at either end (else $CERTMINT_PASSWORD, else a random one written "
                  "to OUT/NAME/password)");
  cmd->add_option("--ca-password-file", args->ca_password_file,
                  "File whose first line is the CA key password (else $CERTMINT_CA_PASSWORD, "
                  "else a prompt)");
  AddStoreOutputOptions(cmd, &args->output);
  cmd->add_flag("--json", args->json, "Print the result as JSON");
  AddArgvPasswordTraps(cmd);
  cmd->footer(
      "Writes OUT/NAME/: NAME.crt and ca.crt; with pem NAME.key (encrypted PKCS#8) and chain.pem;\n"
      "with p12 keystore.p12 and truststore.p12; with jks keystore.jks and truststore.jks; and\n"
      "password when certmint generated it. Keystores hold the key entry NAME (chain: node, CA)\n"
      "and the CA as trusted entry caroot; truststores hold caroot. All stores use the store\n"
      "password. The directory appears whole or not at all.\n\n"
      "Example:\n  certmint issue broker-1 --dir pki --dns broker-1.kafka.example.com "
      "--ip 10.0.0.11 \\\n      --out certs --ca-password-file ca.pass");
  return FromStatus([cmd, args]() -> Status {
    CM_RETURN_IF_ERROR(CheckArgvPasswordTraps(cmd));
    return RunIssue(*args);
  });
}

}  // namespace certmint::cli
