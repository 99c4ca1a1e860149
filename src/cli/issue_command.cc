// certmint issue (identity/request_actions.h).
#include "cli/commands.h"
#include "cli/options.h"
#include "cli/passwords.h"
#include "identity/request_actions.h"

namespace certmint::cli {
namespace {

struct IssueArgs {
  IssueFlags flags;
  std::string ca_password_file;
  bool json = false;
};

Status RunIssue(const IssueArgs& args) {
  CM_ASSIGN_OR_RETURN(auto done, IssueFromFlags(args.flags, CaPasswordFrom(args.ca_password_file)));
  ReportIdentity(done.issued.files, args.flags.name, done.issued.identity.certificate,
                 done.key_spec, args.json, "Issued");
  return {};
}

}  // namespace

Runner RegisterIssueCommand(CLI::App* app, const GlobalOptions& /*global*/) {
  CLI::App* cmd =
      app->add_subcommand("issue", "Make a key and a CA-signed certificate for a node or client");
  auto args = std::make_shared<IssueArgs>();
  cmd->add_option("NAME", args->flags.name,
                  "Identity name: directory and file names, CN, and a DNS SAN when it is a host "
                  "name")
      ->required();
  AddCaDir(cmd, &args->flags.dir);
  AddSanFlags(cmd, &args->flags.request.dns, &args->flags.request.ips, SanUse::kIssued);
  AddRole(cmd, &args->flags.request.role);
  AddDays(cmd, &args->flags.request.days);
  AddKeyType(cmd, &args->flags.request.key_type);
  cmd->add_option("--subject", args->flags.request.subject, "Subject DN (default CN=NAME)");
  AddIdentityOut(cmd, &args->flags.out);
  AddStorePasswordFile(cmd, &args->flags.password_file, StorePasswordUse::kNewIdentity);
  AddCaPasswordFile(cmd, &args->ca_password_file);
  AddOutputFlags(cmd, &args->flags.output);
  cmd->add_option("--install-dir", args->flags.output.install_dir,
                  "Where the files will live on the node: the paths kafka.properties, "
                  "server.properties and librdkafka.properties name (default: OUT/NAME, made "
                  "absolute)");
  AddJson(cmd, &args->json);
  return FromStatus([args] { return RunIssue(*args); });
}

}  // namespace certmint::cli
