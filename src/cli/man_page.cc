// certmint(1), written from the CLI11 app tree (declared in completion.h).
#include <fmt/format.h>

#include <sstream>

#include "cli/completion.h"
#include "cli/discover.h"

namespace certmint::cli {
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
  if (auto at = footer.find(kExitCodes); at != std::string::npos) {
    footer.erase(at, std::string_view(kExitCodes).size());
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

constexpr const char* kEnvironment = R"(.TP
.B CERTMINT_DIR\fR, \fBCERTMINT_OUT
The default of \-\-dir (every command) and of \-\-out (where it names the parent directory
of the identity directories); a flag on the command line wins.
.TP
.B CERTMINT_CONFIG
The settings file to use instead of the nearest certmint.yaml.
.TP
.B CERTMINT_CA_PASSWORD\fR, \fBCERTMINT_PASSWORD
The CA key password and the store password, when no password file is given.
.TP
.B CERTMINT_ROOT_CA_PASSWORD\fR, \fBCERTMINT_NEW_PASSWORD\fR, \fBCERTMINT_TOKEN
The root CA's password (ca init \-\-intermediate), a new store password (convert,
keystore passwd) and the enrollment token (enroll).
)";

constexpr const char* kFiles = R"(.TP
.B certmint.yaml
Defaults for a session of commands, looked for in the current directory and then in each
directory above it: the keys dir, out, ca_password_file and password_file, each a path
(relative to the file's directory). The environment wins over the file, a flag over both;
each default used is named on standard error with its source.
)";

}  // namespace

std::string ManPage(const CLI::App& app, std::string_view version) {
  std::string page = fmt::format(
      ".TH CERTMINT 1 \"\" \"certmint {}\" \"User Commands\"\n.nh\n.ad l\n.SH NAME\ncertmint \\- "
      "{}\n"
      ".SH SYNOPSIS\n.B certmint\n.I COMMAND\n.RI [ FLAGS ]\n.SH DESCRIPTION\n"
      "A CA\\-signed TLS identity for every node and client of a cluster: a certificate "
      "authority, keys, certificates, Java key stores and truststores, and the Kafka and "
      "librdkafka settings that use them. \\fBcertmint\\fR alone lists the commands; "
      "\\fBcertmint\\fR \\fICOMMAND\\fR \\fB\\-\\-help\\fR shows what this page says of "
      "one.\n.SH \"GLOBAL FLAGS\"\n",
      Roff(version), Roff(app.get_description().substr(app.get_description().find(": ") + 2)));
  page += OptionsRoff(app) + ".SH COMMANDS\n";
  for (const CLI::App* cmd : LeafCommands(app)) {
    page += CommandRoff(*cmd);
  }
  page += ".SH \"EXIT STATUS\"\n" + FooterRoff(std::string(kExitCodes).substr(12)) +
          ".SH ENVIRONMENT\n" + kEnvironment + ".SH FILES\n" + kFiles +
          ".SH \"SEE ALSO\"\n\\fBkeytool\\fR(1), \\fBopenssl\\fR(1), \\fBkcat\\fR(1)\n";
  return page;
}

}  // namespace certmint::cli
