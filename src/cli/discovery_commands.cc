// The hidden `completion SHELL` and `man` commands: the bash and zsh
// completions and certmint(1), written by src/cmdline from the app tree and
// the manual's sections only certmint can write.
#include <iostream>
#include <memory>

#include "cli/commands.h"
#include "cmdline/completion.h"
#include "cmdline/man_page.h"
#include "version.h"

namespace certmint::cli {
namespace {

constexpr const char* kDescription =
    "A CA\\-signed TLS identity for every node and client of a cluster: a certificate "
    "authority, keys, certificates, Java key stores and truststores, and the Kafka and "
    "librdkafka settings that use them. \\fBcertmint\\fR alone lists the commands; "
    "\\fBcertmint\\fR \\fICOMMAND\\fR \\fB\\-\\-help\\fR shows what this page says of one.";

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

std::string ManPage(const CLI::App& app) {
  return cmdline::ManPage(
      app, {.version = kVersion,
            .description = kDescription,
            .environment = kEnvironment,
            .files = kFiles,
            .see_also = "\\fBkeytool\\fR(1), \\fBopenssl\\fR(1), \\fBkcat\\fR(1)\n"});
}

}  // namespace

Runner RegisterDiscoveryCommands(CLI::App* app, const GlobalOptions& /*global*/) {
  auto shell = std::make_shared<std::string>();
  CLI::App* completion =
      app->add_subcommand("completion", "Print the shell completion script for bash or zsh");
  completion->group("");  // hidden: not a command to list among the others
  completion->add_option("SHELL", *shell, "bash or zsh")
      ->required()
      ->check(CLI::IsMember({"bash", "zsh"}));
  CLI::App* man = app->add_subcommand("man", "Print the manual page, certmint(1)");
  man->group("");
  return Dispatch({{completion, FromStatus([app, shell]() -> Status {
                      const std::string by = "certmint completion " + *shell;
                      std::cout << (*shell == "bash" ? cmdline::BashCompletion(*app, by)
                                                     : cmdline::ZshCompletion(*app, by));
                      return {};
                    })},
                   {man, FromStatus([app]() -> Status {
                      std::cout << ManPage(*app);
                      return {};
                    })}});
}

}  // namespace certmint::cli
