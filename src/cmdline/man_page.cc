#include "cmdline/man_page.h"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <sstream>

#include "cmdline/command_tree.h"
#include "core/error.h"

namespace certmint::cmdline {
namespace {

// Escapes text for roff: a backslash is \e, every hyphen \- (so that flags
// copied from the page are ASCII), and a line may not start with a control
// character. The help texts are ASCII.
std::string Roff(std::string_view text) {
  std::string out;
  bool line_start = true;
  for (char c : text) {
    if (line_start && (c == '.' || c == '\'')) {
      out += "\\&";
    }
    if (c == '\\') {
      out += "\\e";
    } else if (c == '-') {
      out += "\\-";
    } else {
      out += c;
    }
    line_start = c == '\n';
  }
  return out;
}

// A command's footer: prose lines are filled into paragraphs, indented
// lines (examples, tables) kept as they are. The exit-code table is left
// out: the page has it once.
std::string FooterRoff(std::string footer) {
  const std::string_view table = ExitCodeTable();
  if (auto at = footer.find(table); at != std::string::npos) {
    footer.erase(at, table.size());
  }
  std::string out = footer.empty() ? "" : ".PP\n";
  bool literal = false;
  std::istringstream lines(footer);
  for (std::string line; std::getline(lines, line);) {
    const bool indented = line.rfind("  ", 0) == 0;
    if (indented != literal) {
      out += indented ? ".PP\n.nf\n.RS 4\n" : ".RE\n.fi\n";
      literal = indented;
    }
    if (line.empty()) {
      out += literal ? "\n" : ".PP\n";
    } else {
      out += Roff(indented ? line.substr(2) : line) + "\n";
    }
  }
  return out + (literal ? ".RE\n.fi\n" : "");
}

std::string OptionsRoff(const CLI::App& cmd) {
  std::string out;
  for (const CLI::Option* opt : cmd.get_options()) {
    if (opt->get_lnames().size() == 1 && opt->get_lnames()[0] == "help") {
      continue;
    }
    std::string names;
    if (opt->get_positional()) {
      names = fmt::format("\\fI{}\\fR", Roff(opt->get_name(true)));
    } else {
      for (const auto& n : opt->get_snames()) names += fmt::format("\\fB\\-{}\\fR, ", Roff(n));
      for (const auto& n : opt->get_lnames()) names += fmt::format("\\fB\\-\\-{}\\fR, ", Roff(n));
      names.resize(names.size() - 2);
      if (opt->get_items_expected_max() > 0) {
        names += fmt::format(" \\fI{}\\fR", Roff(opt->get_type_name()));
      }
    }
    std::string text = opt->get_description();
    if (opt->get_required() || !opt->get_default_str().empty()) {
      text += text.empty() || text.back() == '.' ? "" : ".";
    }
    if (opt->get_required()) text += " Required.";
    if (!opt->get_default_str().empty()) text += " Default: " + opt->get_default_str() + ".";
    out += fmt::format(".TP\n{}\n{}\n", names, Roff(text));
  }
  return out;
}

std::string CommandRoff(const CLI::App& cmd) {
  return fmt::format(".SS \"{}\"\n{}\n", Roff(CommandPath(cmd)), Roff(cmd.get_description())) +
         OptionsRoff(cmd) + FooterRoff(cmd.get_footer());
}

// The first line of the page: .TH PROGRAM 1 "" "PROGRAM VERSION" ...
std::string TitleRoff(const std::string& name, std::string_view version) {
  std::string upper = name;
  std::transform(upper.begin(), upper.end(), upper.begin(),
                 [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
  return fmt::format(".TH {} 1 \"\" \"{} {}\" \"User Commands\"\n", Roff(upper), Roff(name),
                     Roff(version));
}

}  // namespace

std::string ManPage(const CLI::App& app, const ManPageSections& sections) {
  const std::string& name = app.get_name();
  const std::string& about = app.get_description();
  const std::string prefix = name + ": ";
  const std::string_view summary =
      std::string_view(about).substr(about.rfind(prefix, 0) == 0 ? prefix.size() : 0);
  std::string page = TitleRoff(name, sections.version) +
                     fmt::format(
                         ".nh\n.ad l\n.SH NAME\n{0} \\- {1}\n.SH SYNOPSIS\n.B {0}\n.I COMMAND\n"
                         ".RI [ FLAGS ]\n.SH DESCRIPTION\n{2}\n.SH \"GLOBAL FLAGS\"\n",
                         Roff(name), Roff(summary), sections.description);
  page += OptionsRoff(app) + ".SH COMMANDS\n";
  for (const CLI::App* cmd : LeafCommands(app)) {
    page += CommandRoff(*cmd);
  }
  const std::string_view table = ExitCodeTable();
  page += ".SH \"EXIT STATUS\"\n" + FooterRoff(std::string(table.substr(table.find('\n') + 1))) +
          ".SH ENVIRONMENT\n" + std::string(sections.environment) + ".SH FILES\n" +
          std::string(sections.files) + ".SH \"SEE ALSO\"\n" + std::string(sections.see_also);
  return page;
}

}  // namespace certmint::cmdline
