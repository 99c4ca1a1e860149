#include <iostream>
#include <nlohmann/json.hpp>

#include "cli/commands.h"
#include "cli/options.h"
#include "cli/passwords.h"
#include "inspect/inspect_files.h"

namespace certmint::cli {
namespace {

struct InspectArgs {
  std::vector<std::string> files;
  std::string password_file;
  bool json = false;
};

Status RunInspect(const InspectArgs& args) {
  CM_ASSIGN_OR_RETURN(auto password, ExplicitPassword(args.password_file));
  auto out = InspectFiles(
      args.files, password ? &*password : nullptr, std::chrono::system_clock::now(),
      [](const Error& e) { std::cerr << "certmint: error: " << e.ToString() << "\n"; });
  PrintResult(args.json, out.json, out.text);
  if (out.first_error) {
    return tl::unexpected(*out.first_error);
  }
  return {};
}

}  // namespace

Runner RegisterInspectCommand(CLI::App* app, const GlobalOptions& /*global*/) {
  CLI::App* cmd = app->add_subcommand(
      "inspect",
      "Show key stores (JKS, JCEKS, PKCS#12) and certificates, chains, requests and keys (PEM, "
      "DER)");
  auto args = std::make_shared<InspectArgs>();
  cmd->add_option("FILE", args->files, "Files to inspect")->required();
  AddStorePasswordFile(cmd, &args->password_file, StorePasswordUse::kGiven);
  AddJson(cmd, &args->json, "the results (an array, one object per file)");
  return FromStatus([args] { return RunInspect(*args); });
}

}  // namespace certmint::cli
