// certmint inventory migrate: a CA's SQLite inventory into PostgreSQL, for
// a service run as replicas (docs/high-availability.md).
#include <fmt/format.h>

#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>

#include "cli/commands.h"
#include "cli/options.h"
#include "inventory/migrate.h"

namespace certmint::cli {
namespace {

struct MigrateArgs {
  std::string dir;
  std::string to;
  bool no_switch = false;
  bool json = false;
};

nlohmann::json MigrationJson(const MigrationReport& r) {
  return {{"from", r.from},
          {"to", r.to},
          {"certificates", r.certificates},
          {"tokens", r.tokens},
          {"next_crl_number", r.next_crl_number},
          {"target_certificates", r.target_certificates},
          {"target_tokens", r.target_tokens},
          {"switched", r.switched}};
}

std::string MigrationText(const MigrationReport& r, const std::string& dir) {
  std::string out = fmt::format(
      "Copied {} certificates and {} tokens from {} to {} (checked: all there; PostgreSQL "
      "holds {} certificates and {} tokens); next CRL number {}.\n",
      r.certificates, r.tokens, r.from, r.to, r.target_certificates, r.target_tokens,
      r.next_crl_number);
  if (r.switched) {
    out += fmt::format(
        "{}/inventory.json now names it: every command and certmint serve on {} use PostgreSQL.\n"
        "{} is left as it was (a backup). Restart or start the replicas: "
        "docs/high-availability.md\n",
        dir, dir, r.from);
  } else {
    out += fmt::format("{} still uses {} (--no-switch).\n", dir, r.from);
  }
  return out;
}

Status RunMigrate(const MigrateArgs& a) {
  CM_ASSIGN_OR_RETURN(auto report, MigrateInventory(a.dir, a.to, !a.no_switch));
  PrintResult(a.json, MigrationJson(report), MigrationText(report, a.dir));
  return {};
}

}  // namespace

Runner RegisterInventoryCommands(CLI::App* app, const GlobalOptions&) {
  CLI::App* inventory =
      app->add_subcommand("inventory", "Move the CA's inventory to a shared PostgreSQL database");
  inventory->require_subcommand(1);
  auto args = std::make_shared<MigrateArgs>();
  CLI::App* migrate = inventory->add_subcommand(
      "migrate", "Copy the SQLite inventory into PostgreSQL, check it, and switch to it");
  AddCaDir(migrate, &args->dir);
  migrate
      ->add_option("--to", args->to,
                   "postgresql://[USER@]HOST[:PORT]/DATABASE (no password: PGPASSFILE, "
                   "PGPASSWORD or PGSERVICEFILE give it)")
      ->required();
  migrate->add_flag("--no-switch", args->no_switch,
                    "Copy and check only; DIR keeps using its SQLite inventory");
  AddJson(migrate, &args->json, "the counts");
  return Dispatch({{migrate, FromStatus([args] { return RunMigrate(*args); })}});
}

}  // namespace certmint::cli
