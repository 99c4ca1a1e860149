#include "cli/commands.h"
#include "cli/options.h"
#include "cli/passwords.h"
#include "identity/issue_to_dir.h"
#include "x509/request_flags.h"

namespace certmint::cli {
namespace {

struct IssueArgs {
  std::string name;
  std::string dir;
  RequestFlags request;
  std::string out = ".";
  std::string password_file;
  std::string ca_password_file;
  OutputFlags output;
  bool json = false;
};

Status RunIssue(const IssueArgs& args) {
  // Check every argument before asking for passwords or touching files.
  CM_RETURN_IF_ERROR(ValidateNodeName(args.name));
  CM_ASSIGN_OR_RETURN(auto parsed, ParseRequestFlags(args.request));
  IssueToDirRequest issue;
  issue.ca_dir = args.dir;
  issue.out_dir = args.out;
  IdentityRequest& id = issue.identity;
  id.name = args.name;
  id.subject = parsed.subject;
  id.sans = parsed.sans;
  id.role = parsed.role;
  id.days = parsed.days;
  id.key_spec = parsed.key_spec;
  CM_ASSIGN_OR_RETURN(issue.output, ParseOutputFlags(args.output, args.name));
  issue.output.now = issue.identity.now;
  issue.secrets = [&]() -> Result<IssueSecrets> {
    CM_ASSIGN_OR_RETURN(auto store, NewIdentityStorePassword(args.password_file));
    CM_ASSIGN_OR_RETURN(auto ca_password, ReadCaPassword(args.ca_password_file, /*is_new=*/false));
    return IssueSecrets{std::move(store), std::move(ca_password)};
  };
  CM_ASSIGN_OR_RETURN(auto issued, IssueIdentityToDir(std::move(issue)));
  ReportIdentity(issued.files, args.name, issued.identity.certificate, parsed.key_spec, args.json,
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
  AddSanFlags(cmd, &args->request.dns, &args->request.ips, SanUse::kIssued);
  AddRole(cmd, &args->request.role);
  AddDays(cmd, &args->request.days);
  AddKeyType(cmd, &args->request.key_type);
  cmd->add_option("--subject", args->request.subject, "Subject DN (default CN=NAME)");
  AddIdentityOut(cmd, &args->out);
  AddStorePasswordFile(cmd, &args->password_file, StorePasswordUse::kNewIdentity);
  AddCaPasswordFile(cmd, &args->ca_password_file);
  AddOutputFlags(cmd, &args->output);
  cmd->add_option("--install-dir", args->output.install_dir,
                  "Where the files will live on the node: the paths kafka.properties, "
                  "server.properties and librdkafka.properties name (default: OUT/NAME, made "
                  "absolute)");
  AddJson(cmd, &args->json);
  return FromStatus([args] { return RunIssue(*args); });
}

}  // namespace certmint::cli
