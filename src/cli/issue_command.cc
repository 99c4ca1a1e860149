#include "cli/commands.h"
#include "cli/identity_report.h"
#include "cli/options.h"
#include "cli/passwords.h"
#include "identity/issue_to_dir.h"
#include "x509/san_lists.h"

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
  CM_ASSIGN_OR_RETURN(request.sans, ParseSanLists(args.dns, args.ips));
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

  IssueToDirRequest issue;
  issue.ca_dir = args.dir;
  issue.out_dir = args.out;
  issue.identity = std::move(request);
  issue.output = std::move(output);
  issue.secrets = [&]() -> Result<IssueSecrets> {
    CM_ASSIGN_OR_RETURN(auto store, NewStorePassword(args.password_file));
    CM_ASSIGN_OR_RETURN(auto ca_password, ReadCaPassword(args.ca_password_file, /*is_new=*/false));
    return IssueSecrets{{std::move(store.password), store.generated}, std::move(ca_password)};
  };
  const KeySpec key_spec = issue.identity.key_spec;
  const Role role = issue.identity.role;
  CM_ASSIGN_OR_RETURN(auto issued, IssueIdentityToDir(std::move(issue)));
  ReportIdentity(issued.files, args.name, issued.identity.certificate, key_spec, role, args.json,
                 "Issued");
  return {};
}

}  // namespace

Runner RegisterIssueCommand(CLI::App* app, const GlobalOptions& /*global*/) {
  CLI::App* cmd =
      app->add_subcommand("issue", "Make a key and a CA-signed certificate for a node or client");
  auto args = std::make_shared<IssueArgs>();
  cmd->add_option("NAME", args->name,
                  "Identity name: directory and file names, CN, and a DNS SAN when it is a host "
                  "name")
      ->required();
  AddCaDir(cmd, &args->dir);
  AddSanFlags(cmd, &args->dns, &args->ips, SanUse::kIssued);
  AddRole(cmd, &args->role);
  AddDays(cmd, &args->days);
  AddKeyType(cmd, &args->key_type);
  cmd->add_option("--subject", args->subject, "Subject DN (default CN=NAME)");
  AddIdentityOut(cmd, &args->out);
  AddStorePasswordFile(cmd, &args->password_file, StorePasswordUse::kNewIdentity);
  AddCaPasswordFile(cmd, &args->ca_password_file);
  AddStoreOutputOptions(cmd, &args->output);
  AddJson(cmd, &args->json);
  cmd->footer(
      "Writes OUT/NAME/: NAME.crt and ca.crt; with pem NAME.key (encrypted PKCS#8) and chain.pem;\n"
      "with p12 keystore.p12 and truststore.p12; with jks keystore.jks and truststore.jks; and\n"
      "password when certmint generated it. Keystores hold the key entry NAME (chain: node, CA)\n"
      "and the CA as trusted entry caroot; truststores hold caroot. All stores use the store\n"
      "password. The directory appears whole or not at all.\n\n"
      "Example:\n  certmint issue broker-1 --dir pki --dns broker-1.kafka.example.com "
      "--ip 10.0.0.11 \\\n      --out certs --ca-password-file ca.pass");
  return WithPasswordTraps(cmd, FromStatus([args] { return RunIssue(*args); }));
}

}  // namespace certmint::cli
