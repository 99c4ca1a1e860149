// Finding one's way around certmint (issue 20, item 11): "did you mean",
// the command list of a bare `certmint`, exit codes and an example in every
// --help, defaults from the environment and certmint.yaml, and the shell
// completions and manual page generated from the same flag definitions.
#include <filesystem>
#include <regex>
#include <set>
#include <sstream>

#include "e2e/cli_helpers.h"

namespace certmint::testing {
namespace {

constexpr int kUsage = 2;

class DiscoverTest : public CliTest {
 protected:
  // The commands a bare `certmint` lists ("ca init", "issue", ...).
  std::vector<std::string> ListedCommands() {
    auto r = Certmint({});
    std::vector<std::string> commands;
    std::istringstream lines(r.out);
    bool in_list = false;
    for (std::string line; std::getline(lines, line);) {
      if (line == "Commands:") {
        in_list = true;
      } else if (in_list && line.rfind("  ", 0) == 0) {
        std::smatch m;
        // "  ca init                Create a root CA ...": words, then 2+ spaces.
        if (std::regex_search(line, m, std::regex("^  ([a-z-]+( [a-z-]+)?)  +\\S"))) {
          commands.push_back(m[1]);
        }
      } else if (in_list) {
        break;
      }
    }
    return commands;
  }

  static std::vector<std::string> Words(const std::string& command) {
    std::vector<std::string> words;
    std::istringstream in(command);
    for (std::string w; in >> w;) words.push_back(w);
    return words;
  }

  // Runs `script` in bash with the completion loaded.
  ProcessResult Bash(const std::string& script) {
    RunOptions o;
    o.cwd = dir_.path();
    return RunProcess(
        {"bash", "-c",
         std::string("source <(") + CERTMINT_BINARY + " completion bash) || exit 9\n" + script},
        o);
  }
};

TEST_F(DiscoverTest, MistypedCommandsAndFlagsGetASuggestion) {
  const struct {
    std::vector<std::string> args;
    std::string says;
  } cases[] = {
      {{"isue", "n1"}, "unknown command 'isue' for 'certmint'; did you mean 'certmint issue'?"},
      {{"verfy", "certs/n1"}, "did you mean 'certmint verify'?"},
      {{"ca", "rotat", "--dir", "pki"}, "did you mean 'certmint ca rotate'?"},
      {{"tokens", "create"}, "did you mean 'certmint token'?"},
      {{"issue", "n1", "--dir", "pki", "--dsn", "n1.example.com"},
       "unknown flag --dsn for 'certmint issue'; did you mean --dns?"},
      {{"issue", "n1", "--dir", "pki", "--ca-pasword-file", "ca.pass"},
       "did you mean --ca-password-file?"},
      {{"list", "--dir", "pki", "--expring", "30"}, "did you mean --expiring?"},
      {{"apply", "m.yaml", "--dry-rn"}, "did you mean --dry-run?"},
  };
  for (const auto& c : cases) {
    auto r = Certmint(c.args);
    EXPECT_EQ(r.exit_code, kUsage) << c.args[0];
    EXPECT_EQ(r.err.rfind("certmint: error: ", 0), 0u) << r.err;
    EXPECT_NE(r.err.find(c.says), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("--help"), std::string::npos) << r.err;
    EXPECT_FALSE(std::filesystem::exists(Path("pki"))) << r.err;
  }
  // Nothing close: no guess. The value after an unknown flag is not echoed.
  auto far = Certmint({"issue", "n1", "--dir", "pki", "--zzzzzz", "hunter2-value"});
  EXPECT_EQ(far.exit_code, kUsage);
  EXPECT_NE(far.err.find("unknown flag --zzzzzz"), std::string::npos) << far.err;
  EXPECT_EQ(far.err.find("did you mean"), std::string::npos) << far.err;
  EXPECT_EQ(far.err.find("hunter2-value"), std::string::npos) << far.err;
  // A group without its command names its commands.
  auto group = Certmint({"token"});
  EXPECT_EQ(group.exit_code, kUsage);
  EXPECT_NE(group.err.find("'certmint token' needs one of its commands: create, list, revoke"),
            std::string::npos)
      << group.err;
}

TEST_F(DiscoverTest, BareCertmintListsEveryCommandWithItsDescription) {
  auto r = Certmint({});
  EXPECT_EQ(r.exit_code, kUsage) << "no command given, as documented";
  EXPECT_NE(r.out.find("Create a root CA"), std::string::npos) << r.out;
  const std::vector<std::string> commands = ListedCommands();
  for (const char* expected : {"ca init",
                               "ca rotate",
                               "ca retire",
                               "issue",
                               "apply",
                               "list",
                               "renew",
                               "revoke",
                               "crl",
                               "csr",
                               "sign",
                               "inspect",
                               "convert",
                               "keystore import-cert",
                               "keystore install",
                               "verify",
                               "handshake",
                               "probe",
                               "serve",
                               "token create",
                               "token list",
                               "enroll"}) {
    EXPECT_NE(std::find(commands.begin(), commands.end(), expected), commands.end()) << expected;
  }
  // The hidden generators are not listed among the commands.
  EXPECT_EQ(std::find(commands.begin(), commands.end(), "completion"), commands.end());
  EXPECT_NE(r.out.find("certmint completion bash"), std::string::npos) << "but mentioned";
}

// Every listed command's --help shows the exit codes and an example.
TEST_F(DiscoverTest, EveryCommandsHelpHasExitCodesAndAnExample) {
  // The commands whose file has no example yet (for the lead to add, then
  // to remove from here).
  const std::set<std::string> awaiting_example{};
  const std::vector<std::string> commands = ListedCommands();
  ASSERT_GT(commands.size(), 20u);
  for (const std::string& command : commands) {
    std::vector<std::string> args = Words(command);
    args.push_back("--help");
    auto h = Certmint(args);
    EXPECT_EQ(h.exit_code, 0) << command;
    EXPECT_NE(h.out.find("Exit codes:\n  0  success"), std::string::npos) << command << h.out;
    EXPECT_NE(h.out.find("  8  refused by the CA service"), std::string::npos) << command;
    if (awaiting_example.count(command) == 0) {
      EXPECT_NE(h.out.find("Example"), std::string::npos) << command << "\n" << h.out;
    }
  }
}

TEST_F(DiscoverTest, DirAndOutComeFromTheEnvironmentAndSaySo) {
  InitCa();
  RunOptions env;
  env.env = {{"CERTMINT_DIR", "pki"}, {"CERTMINT_OUT", "certs"}};
  auto r = Certmint({"issue", "n1", "--ca-password-file", "ca.pass"}, env);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(std::filesystem::exists(Path("certs/n1/n1.crt")));
  EXPECT_NE(r.err.find("certmint: --dir pki (from $CERTMINT_DIR)"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("certmint: --out certs (from $CERTMINT_OUT)"), std::string::npos);
  // A flag wins over the environment.
  auto flag = Certmint({"list", "--dir", "nowhere"}, env);
  EXPECT_EQ(flag.exit_code, 3) << flag.err;
  EXPECT_NE(flag.err.find("nowhere"), std::string::npos) << flag.err;
  EXPECT_EQ(flag.err.find("$CERTMINT_DIR"), std::string::npos) << flag.err;
  // --out of crl is a file, not the identities' directory: not defaulted.
  auto crl = Certmint({"crl", "--ca-password-file", "ca.pass"}, env);
  EXPECT_EQ(crl.exit_code, kUsage) << crl.err;
  EXPECT_NE(crl.err.find("--out is required"), std::string::npos) << crl.err;
  // renew --server has no CA directory: $CERTMINT_DIR is not forced on it.
  auto server = Certmint({"renew", "n1", "--server", "https://127.0.0.1:1"}, env);
  EXPECT_EQ(server.err.find("--dir"), std::string::npos) << server.err;
  // Without anything, a required --dir says where it may come from.
  auto none = Certmint({"list"});
  EXPECT_EQ(none.exit_code, kUsage);
  EXPECT_NE(none.err.find("--dir is required (or $CERTMINT_DIR, or dir: in certmint.yaml)"),
            std::string::npos)
      << none.err;
}

TEST_F(DiscoverTest, CertmintYamlIsFoundUpwardsAndLosesToTheEnvironment) {
  InitCa();
  WriteTextFile(Path("certmint.yaml"),
                "# a session's defaults\ndir: pki\nout: certs\nca_password_file: ca.pass\n");
  std::filesystem::create_directories(Path("work/deeper"));
  RunOptions search;
  search.env = {{"CERTMINT_CONFIG", ""}};  // removed: search from the cwd
  search.cwd = Path("work/deeper");
  std::vector<std::string> argv{CERTMINT_BINARY, "issue", "n1"};
  search.env.emplace("CERTMINT_PASSWORD", "");
  search.env.emplace("CERTMINT_CA_PASSWORD", "");
  auto r = RunProcess(argv, search);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(std::filesystem::exists(Path("certs/n1/n1.crt"))) << "relative to the file";
  const std::string from = "(from certmint.yaml at " + Path("certmint.yaml") + ")";
  EXPECT_NE(r.err.find("--dir " + Path("pki") + " " + from), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("--ca-password-file " + Path("ca.pass") + " " + from), std::string::npos);
  // The environment wins over the file.
  search.env["CERTMINT_OUT"] = Path("other");
  r = RunProcess({CERTMINT_BINARY, "issue", "n2"}, search);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(std::filesystem::exists(Path("other/n2/n2.crt")));
  // A broken file is named with its line.
  WriteTextFile(Path("work/certmint.yaml"), "dir: pki\ndri: typo\n");
  r = RunProcess({CERTMINT_BINARY, "list"}, search);
  EXPECT_EQ(r.exit_code, kUsage);
  EXPECT_NE(r.err.find(Path("work/certmint.yaml") + ":2: unknown key 'dri'"), std::string::npos)
      << r.err;
  WriteTextFile(Path("work/certmint.yaml"), "dir: [unclosed\n");
  r = RunProcess({CERTMINT_BINARY, "list"}, search);
  EXPECT_EQ(r.exit_code, kUsage);
  EXPECT_NE(r.err.find(Path("work/certmint.yaml") + ":"), std::string::npos) << r.err;
  WriteTextFile(Path("work/certmint.yaml"), std::string(70 * 1024, '#'));
  r = RunProcess({CERTMINT_BINARY, "list"}, search);
  EXPECT_NE(r.err.find("larger than"), std::string::npos) << r.err;
}

TEST_F(DiscoverTest, BashCompletionLoadsAndCompletesCommandsAndFlags) {
  auto loaded = Bash("complete -p certmint");
  ASSERT_EQ(loaded.exit_code, 0) << loaded.err;
  EXPECT_NE(loaded.out.find("-F _certmint certmint"), std::string::npos) << loaded.out;
  const auto complete = [&](const std::string& words, int cword) {
    auto r = Bash("COMP_WORDS=(" + words + "); COMP_CWORD=" + std::to_string(cword) +
                  "; _certmint; echo \"${COMPREPLY[*]}\"");
    EXPECT_EQ(r.exit_code, 0) << r.err;
    return r.out.substr(0, r.out.find('\n'));
  };
  EXPECT_EQ(complete("certmint iss", 1), "issue");
  EXPECT_EQ(complete("certmint ca r", 2), "rotate retire");
  EXPECT_EQ(complete("certmint token c", 2), "create");
  EXPECT_EQ(complete("certmint issue n1 --dn", 3), "--dns");
  EXPECT_EQ(complete("certmint --verbose ca init --ca-pa", 4), "--ca-password-file");
  // A flag's value is not taken for a command ("ca" here is a directory).
  EXPECT_EQ(complete("certmint issue --dir ca --ca-p", 4), "--ca-password-file");
  // After a flag that takes a value: left to bash (file names).
  EXPECT_EQ(complete("certmint issue --out ''", 3), "");
}

TEST_F(DiscoverTest, ZshCompletionLoads) {
  const std::string script = Certmint({"completion", "zsh"}).out;
  WriteTextFile(Path("_certmint"), script);
  ASSERT_EQ(RunProcess({CERTMINT_ZSH, "-n", Path("_certmint")}).exit_code, 0) << "syntax";
  RunOptions o;
  o.cwd = dir_.path();
  o.env = {{"HOME", dir_.path()}};
  auto r = RunProcess({CERTMINT_ZSH, "-f", "-c",
                       "autoload -U compinit && compinit -u -d ./zcompdump && source ./_certmint "
                       "&& print -r -- ${_comps[certmint]} && "
                       "words=(certmint ca in) CURRENT=3 && print -r -- $(_certmint_commands ca)"},
                      o);
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, "_certmint\ninit set-url rotate retire\n") << r.err;
}

TEST_F(DiscoverTest, ManPageRendersWithoutWarningsAndCoversEveryCommand) {
  auto man = Certmint({"man"});
  ASSERT_EQ(man.exit_code, 0) << man.err;
  WriteTextFile(Path("certmint.1"), man.out);
  auto groff = RunProcess({"groff", "-man", "-Tutf8", "-ww", "-z", Path("certmint.1")});
  EXPECT_EQ(groff.exit_code, 0);
  EXPECT_EQ(groff.err, "") << "groff warnings";
  RunOptions o;
  o.env = {{"MANWIDTH", "80"}};
  auto rendered = RunProcess({"man", "-l", Path("certmint.1")}, o);
  ASSERT_EQ(rendered.exit_code, 0) << rendered.err;
  EXPECT_EQ(rendered.err, "");
  for (const std::string& command : ListedCommands()) {
    EXPECT_NE(rendered.out.find("certmint " + command + "\n"), std::string::npos) << command;
  }
  for (const char* part : {"EXIT STATUS", "CERTMINT_DIR", "certmint.yaml", "--ca-password-file",
                           "--dry-run", "Example:"}) {
    EXPECT_NE(rendered.out.find(part), std::string::npos) << part;
  }
}

}  // namespace
}  // namespace certmint::testing
