// certmint apply MANIFEST: the whole cluster in one idempotent command.
#include <unistd.h>

#include <iostream>

#include "cli/commands.h"
#include "cli/hook_flags.h"
#include "cli/options.h"
#include "cli/passwords.h"
#include "cluster/apply_run.h"

namespace certmint::cli {
namespace {

struct ApplyArgs {
  ApplyRequest request = Defaults();  // MANIFEST, --dir, --out, --jobs, --dry-run, ...
  std::string password_file;
  std::string ca_password_file;
  ReloadHookFlags hook;  // --exec, --exec-timeout

  static ApplyRequest Defaults() {
    ApplyRequest r;
    r.settings.pki_dir = "pki";
    r.settings.out_dir = "certs";
    return r;
  }
};

Status RunApply(const ApplyArgs& args) {
  ApplyRequest request = args.request;
  request.settings.now = std::chrono::system_clock::now();
  CM_ASSIGN_OR_RETURN(request.settings.hook, ParseReloadHookFlags(args.hook));
  request.progress_tty = isatty(STDERR_FILENO) == 1;
  request.ca_password = [&](bool is_new) { return ReadCaPassword(args.ca_password_file, is_new); };
  request.store_password = [&] { return ExplicitNewPassword(args.password_file); };
  const ApplyConsole console{[](const std::string& text) { std::cout << text << std::flush; },
                             [](const std::string& text) { std::cerr << text << std::flush; },
                             [](const nlohmann::json& json) { PrintJson(json); },
                             [&](const HookOutcome& o) { PrintHookOutcome(o, request.json); }};
  return ApplyManifest(request, console);
}

}  // namespace

Runner RegisterApplyCommand(CLI::App* app, const GlobalOptions& /*global*/) {
  auto a = std::make_shared<ApplyArgs>();
  CLI::App* cmd = app->add_subcommand(
      "apply", "Bring a whole cluster's identities in line with a manifest (idempotent)");
  cmd->add_option("MANIFEST", a->request.manifest, "The cluster manifest (YAML; see examples/)")
      ->required();
  cmd->add_option("--dir", a->request.settings.pki_dir, "The CA's directory (created if absent)");
  cmd->add_option("--out", a->request.settings.out_dir, "Where the identity directories live");
  cmd->add_option("--jobs,-j", a->request.settings.jobs,
                  "Identities issued in parallel (default: four per hardware thread, at most 256)");
  cmd->add_flag("--dry-run", a->request.settings.dry_run, "Print the plan; write nothing");
  cmd->add_flag("--prune", a->request.prune,
                "Revoke (in the inventory) and remove identity directories under --out that the "
                "manifest no longer names, after showing them and asking on a terminal; without "
                "it they are only listed");
  cmd->add_flag("--yes", a->request.yes,
                "--prune without asking (scripts: there is no terminal to ask)");
  cmd->add_flag("--reissue-foreign", a->request.settings.reissue_foreign,
                "Re-issue identities under --out that another CA issued (not the --dir CA, nor "
                "its predecessor during a rotation); without it apply refuses them");
  cmd->add_flag("--new-ca", a->request.settings.new_ca,
                "Create a CA in --dir although --out holds identities from another CA, and "
                "re-issue them all under it (implies --reissue-foreign)");
  AddJson(cmd, &a->request.json, "the plan and summary");
  cmd->add_option("--password-file", a->password_file,
                  "One store password for every identity, 6+ printable ASCII characters (else "
                  "$CERTMINT_PASSWORD, else each identity keeps or gets its own generated "
                  "password)");
  AddCaPasswordFile(cmd, &a->ca_password_file);
  AddReloadHookFlags(cmd, &a->hook);
  return FromStatus([a] { return RunApply(*a); });
}

}  // namespace certmint::cli
