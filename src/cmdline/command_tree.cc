#include "cmdline/command_tree.h"

#include "core/error.h"

namespace certmint::cmdline {

std::string CommandPath(const CLI::App& cmd) {
  const CLI::App* parent = cmd.get_parent();
  return parent == nullptr ? cmd.get_name() : CommandPath(*parent) + " " + cmd.get_name();
}

bool IsHidden(const CLI::App& cmd) { return cmd.get_group().empty(); }

std::vector<const CLI::App*> VisibleSubcommands(const CLI::App& app) {
  std::vector<const CLI::App*> subs;
  for (const CLI::App* sub : app.get_subcommands([](const CLI::App* a) { return !IsHidden(*a); })) {
    subs.push_back(sub);
  }
  return subs;
}

std::vector<const CLI::App*> LeafCommands(const CLI::App& app) {
  std::vector<const CLI::App*> leaves;
  for (const CLI::App* sub : VisibleSubcommands(app)) {
    auto below = LeafCommands(*sub);
    if (below.empty()) {
      leaves.push_back(sub);
    }
    leaves.insert(leaves.end(), below.begin(), below.end());
  }
  return leaves;
}

std::set<std::string> PrepareFlags(CLI::App* app, const std::set<std::string>& dir_flags) {
  std::set<std::string> known;
  for (CLI::Option* opt : app->get_options()) {
    if (opt->get_default_str() == "[]") {
      opt->default_str("");
    }
    const std::string name = opt->get_name();
    if (name.size() > 5 && name.compare(name.size() - 5, 5, "-file") == 0) {
      opt->type_name("FILE");
    } else if (dir_flags.count(name) > 0) {
      opt->type_name("DIR");
    }
    for (const auto& n : opt->get_lnames()) known.insert("--" + n);
    for (const auto& n : opt->get_snames()) known.insert("-" + n);
  }
  for (CLI::App* sub : app->get_subcommands([](CLI::App*) { return true; })) {
    sub->fallthrough();
    known.merge(PrepareFlags(sub, dir_flags));
  }
  return known;
}

void AddExitCodeFooters(CLI::App* app) {
  const std::string table(ExitCodeTable());
  for (CLI::App* sub : app->get_subcommands([](CLI::App* a) { return !IsHidden(*a); })) {
    const std::string footer = sub->get_footer();
    if (footer.find(table) == std::string::npos) {
      sub->footer(footer.empty() ? table : footer + "\n\n" + table);
    }
    AddExitCodeFooters(sub);
  }
}

}  // namespace certmint::cmdline
