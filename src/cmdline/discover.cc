#include "cmdline/discover.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>

#include "cmdline/command_tree.h"
#include "core/encoding.h"

namespace certmint::cmdline {
namespace {

// The deepest command the command line named ("certmint ca" for
// `certmint ca rotat`).
CLI::App* DeepestParsed(CLI::App* app) {
  for (CLI::App* sub : app->get_subcommands([](CLI::App* a) { return a->parsed(); })) {
    return DeepestParsed(sub);
  }
  return app;
}

// The flags `cmd` takes, its parents' included (they fall through).
std::vector<std::string> FlagsOf(const CLI::App& cmd) {
  std::vector<std::string> flags;
  for (const CLI::App* a = &cmd; a != nullptr; a = a->get_parent()) {
    for (const CLI::Option* opt : a->get_options()) {
      for (const auto& n : opt->get_lnames()) flags.push_back("--" + n);
      for (const auto& n : opt->get_snames()) flags.push_back("-" + n);
    }
  }
  return flags;
}

std::string UnknownFlagText(const CLI::App& cmd, const std::string& arg) {
  const std::string flag = arg.substr(0, arg.find('='));
  std::string line =
      fmt::format("unknown flag {} for '{}'", PrintableBytes(flag, 64), CommandPath(cmd));
  if (auto near = ClosestName(flag, FlagsOf(cmd))) {
    line += fmt::format("; did you mean {}?", *near);
  }
  return line;
}

std::string UnknownCommandText(const CLI::App& cmd, const std::string& word) {
  std::vector<std::string> names;
  for (const CLI::App* sub : VisibleSubcommands(cmd)) names.push_back(sub->get_name());
  std::string line =
      fmt::format("unknown command '{}' for '{}'", PrintableBytes(word, 64), CommandPath(cmd));
  if (auto near = ClosestName(word, names)) {
    line += fmt::format("; did you mean '{} {}'?", CommandPath(cmd), *near);
  }
  return line;
}

}  // namespace

std::string CommandListText(const CLI::App& app, std::string_view epilogue) {
  const std::string& name = app.get_name();
  std::string text = fmt::format(
      "{}\n\nUsage: {} COMMAND [FLAGS]   ({} COMMAND --help: its flags, an example and the exit "
      "codes)\n\nCommands:\n",
      app.get_description(), name, name);
  for (const CLI::App* cmd : LeafCommands(app)) {
    const std::string path = CommandPath(*cmd).substr(name.size() + 1);
    text += fmt::format("  {:<22} {}\n", path, cmd->get_description());
  }
  return text + std::string(epilogue);
}

size_t EditDistance(std::string_view a, std::string_view b) {
  // d[i][j]: distance between a's first i and b's first j characters.
  std::vector<std::vector<size_t>> d(a.size() + 1, std::vector<size_t>(b.size() + 1));
  for (size_t i = 0; i <= a.size(); ++i) d[i][0] = i;
  for (size_t j = 0; j <= b.size(); ++j) d[0][j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    for (size_t j = 1; j <= b.size(); ++j) {
      const size_t cost = a[i - 1] == b[j - 1] ? 0 : 1;
      d[i][j] = std::min({d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost});
      if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1]) {
        d[i][j] = std::min(d[i][j], d[i - 2][j - 2] + 1);
      }
    }
  }
  return d[a.size()][b.size()];
}

std::optional<std::string> ClosestName(std::string_view typed,
                                       const std::vector<std::string>& candidates) {
  const auto bare = [](std::string_view s) {
    return s.substr(std::min(s.find_first_not_of('-'), s.size()));
  };
  const std::string_view word = bare(typed);
  std::optional<std::string> best;
  size_t best_distance = std::max<size_t>(1, word.size() / 3) + 1;
  std::vector<std::string> prefixed;
  for (const std::string& c : candidates) {
    const size_t d = EditDistance(word, bare(c));
    if (d < best_distance) {
      best_distance = d;
      best = c;
    }
    if (word.size() >= 2 && bare(c).substr(0, word.size()) == word) {
      prefixed.push_back(c);
    }
  }
  if (!best && prefixed.size() == 1) {
    best = prefixed.front();
  }
  return best;
}

std::string ParseErrorLine(CLI::App& app, const CLI::ParseError& e) {
  const CLI::App* cmd = DeepestParsed(&app);
  std::string line = e.what();
  if (const auto subs = VisibleSubcommands(*cmd); !subs.empty()) {
    std::vector<std::string> names;
    for (const CLI::App* sub : subs) names.push_back(sub->get_name());
    line = fmt::format("'{}' needs one of its commands: {}", CommandPath(*cmd),
                       fmt::join(names, ", "));
  }
  for (const std::string& arg : app.remaining(true)) {
    if (arg == "--") {
      break;
    }
    if (arg.size() > 1 && arg[0] == '-') {
      line = UnknownFlagText(*cmd, arg);
      break;
    }
    if (!VisibleSubcommands(*cmd).empty()) {
      line = UnknownCommandText(*cmd, arg);
      break;
    }
  }
  return line;
}

std::string ParseErrorText(CLI::App& app, const CLI::ParseError& e) {
  const CLI::App* cmd = DeepestParsed(&app);
  return fmt::format(
      "{}: error: {}\nRun '{} --help' for {}.\n", app.get_name(), ParseErrorLine(app, e),
      CommandPath(*cmd),
      VisibleSubcommands(*cmd).empty() ? "its flags and an example" : "its commands");
}

}  // namespace certmint::cmdline
