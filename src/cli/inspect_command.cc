#include <iostream>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "cli/commands.h"
#include "cli/passwords.h"
#include "core/fs.h"
#include "inspect/inspect.h"

namespace certmint::cli {
namespace {

struct InspectArgs {
  std::vector<std::string> files;
  std::string password_file;
  bool json = false;
};

// Inspects each file; reports each failure and returns the first.
Status RunInspect(const InspectArgs& args) {
  CM_ASSIGN_OR_RETURN(auto password, ReadSecret({args.password_file, kStorePasswordEnv, "", false,
                                                 "--password-file"}));
  const SecretString* pw = password ? &*password : nullptr;
  const auto now = std::chrono::system_clock::now();
  nlohmann::json all = nlohmann::json::array();
  std::optional<Error> first_error;
  bool first_text = true;
  for (const auto& file : args.files) {
    auto items = [&]() -> Result<std::vector<InspectedItem>> {
      CM_ASSIGN_OR_RETURN(auto data, fs::ReadFile(file));
      auto r = InspectData(data, pw, now);
      Cleanse(data);
      return WithContext(std::move(r), file);
    }();
    if (!items) {
      if (!first_error) {
        first_error = items.error();
      } else {
        std::cerr << "certmint: error: " << items.error().ToString() << "\n";
      }
      continue;
    }
    if (args.json) {
      all.push_back(RenderJson(file, *items));
    } else {
      std::cout << (first_text ? "" : "\n") << RenderText(file, *items);
      first_text = false;
    }
  }
  if (args.json) {
    PrintJson(all.dump(2));
  }
  if (first_error) {
    return tl::unexpected(*first_error);
  }
  return {};
}

}  // namespace

Runner RegisterInspectCommand(CLI::App* app, const GlobalOptions& /*global*/) {
  CLI::App* cmd = app->add_subcommand(
      "inspect", "Show certificates, chains, certificate requests and keys in PEM or DER files");
  auto args = std::make_shared<InspectArgs>();
  cmd->add_option("FILE", args->files, "Files to inspect")->required();
  cmd->add_option("--password-file", args->password_file,
                  "File whose first line opens encrypted keys (else $CERTMINT_PASSWORD)");
  cmd->add_flag("--json", args->json, "Print a JSON array, one object per file");
  AddArgvPasswordTraps(cmd);
  cmd->footer(
      "Shows subject, issuer, serial, validity and days left, SANs, key type and size, key "
      "usages,\nbasic constraints and SHA-256/SHA-1 fingerprints. Encrypted keys are described "
      "without a\npassword and opened with one.\n\n"
      "Example:\n  certmint inspect certs/broker-1/chain.pem\n"
      "  certmint inspect certs/broker-1/broker-1.key --password-file certs/broker-1/password "
      "--json");
  return [cmd, args]() -> Status {
    CM_RETURN_IF_ERROR(CheckArgvPasswordTraps(cmd));
    return RunInspect(*args);
  };
}

}  // namespace certmint::cli
