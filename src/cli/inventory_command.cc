// certmint inventory migrate: a CA's SQLite inventory into PostgreSQL, for
// a service run as replicas (docs/high-availability.md).
#include <memory>

#include "cli/commands.h"
#include "cli/options.h"
#include "inventory/migrate_report.h"

namespace certmint::cli {
namespace {

struct MigrateArgs {
  std::string dir;
  std::string to;
  bool no_switch = false;
  bool json = false;
};

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
