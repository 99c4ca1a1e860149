#include <iostream>

#include <nlohmann/json.hpp>

#include "cli/commands.h"
#include "cli/options.h"
#include "cli/passwords.h"
#include "inspect/inspect_file.h"

namespace certmint::cli {
namespace {

struct InspectArgs {
  std::vector<std::string> files;
  std::string password_file;
  bool json = false;
};

// Inspects each file; reports each failure and returns the first.
Status RunInspect(const InspectArgs& args) {
  CM_ASSIGN_OR_RETURN(auto password, ExplicitPassword(args.password_file));
  const SecretString* pw = password ? &*password : nullptr;
  const auto now = std::chrono::system_clock::now();
  nlohmann::json all = nlohmann::json::array();
  std::optional<Error> first_error;
  bool first_text = true;
  for (const auto& file : args.files) {
    auto rendered = InspectFile(file, pw, now);
    if (!rendered) {
      rendered.error().AddContext(file);
      if (!first_error) {
        first_error = rendered.error();
      } else {
        std::cerr << "certmint: error: " << rendered.error().ToString() << "\n";
      }
      continue;
    }
    if (args.json) {
      all.push_back(rendered->json);
    } else {
      std::cout << (first_text ? "" : "\n") << rendered->text;
      first_text = false;
    }
  }
  if (args.json) {
    PrintJson(all.dump(2, ' ', false, nlohmann::json::error_handler_t::replace));
  }
  if (first_error) {
    return tl::unexpected(*first_error);
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
  cmd->footer(
      "Shows subject, issuer, serial, validity and days left, SANs, key type and size, key "
      "usages,\nbasic constraints and SHA-256/SHA-1 fingerprints. Stores are listed like "
      "'keytool -list -v':\nalias, entry type, chain length. A wrong password or a changed byte "
      "fails the integrity\ncheck. Encrypted PEM keys are described without a password and opened "
      "with one.\n\n"
      "Example:\n  certmint inspect certs/broker-1/chain.pem\n"
      "  certmint inspect certs/broker-1/keystore.jks --password-file certs/broker-1/password\n"
      "  certmint inspect certs/broker-1/broker-1.key --password-file certs/broker-1/password "
      "--json");
  return WithPasswordTraps(cmd, FromStatus([args] { return RunInspect(*args); }));
}

}  // namespace certmint::cli
