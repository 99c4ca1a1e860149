// Each command's notes and examples live in docs/commands (one .txt file per
// command, ca/init.txt for `ca init`) and are what its --help shows under
// the flags: every command has a file, every file is a command's, and the
// text arrives whole.
#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <regex>
#include <sstream>

#include "e2e/cli_helpers.h"

namespace certmint::testing {
namespace {

namespace stdfs = std::filesystem;

class CommandNotesTest : public CliTest {
 protected:
  // docs/commands/ca/init.txt -> "ca init".
  static std::map<std::string, std::string> NotesFiles() {
    std::map<std::string, std::string> notes;
    const stdfs::path root = CERTMINT_COMMAND_NOTES;
    for (const auto& entry : stdfs::recursive_directory_iterator(root)) {
      if (entry.path().extension() != ".txt") continue;
      std::string command = stdfs::relative(entry.path(), root).replace_extension().string();
      std::replace(command.begin(), command.end(), '/', ' ');
      std::ifstream in(entry.path());
      std::stringstream text;
      text << in.rdbuf();
      notes[command] = text.str();
    }
    return notes;
  }
};

TEST_F(CommandNotesTest, EveryCommandHasNotesAndEveryNotesFileIsACommand) {
  const auto notes = NotesFiles();
  auto r = Certmint({});
  std::vector<std::string> commands = {"completion", "man"};  // hidden ones too
  std::smatch m;
  std::istringstream lines(r.out);
  for (std::string line; std::getline(lines, line);) {
    // "  ca init                Create a root CA ...": words, then 2+ spaces.
    if (std::regex_search(line, m, std::regex("^  ([a-z-]+( [a-z-]+)?)  +\\S"))) {
      commands.push_back(m[1]);
    }
  }
  ASSERT_GT(commands.size(), 20u) << r.out;
  for (const auto& command : commands) {
    EXPECT_TRUE(notes.count(command)) << "no docs/commands file for `certmint " << command << "`";
  }
  for (const auto& [command, text] : notes) {
    EXPECT_NE(std::find(commands.begin(), commands.end(), command), commands.end())
        << "docs/commands has notes for `" << command << "`, which is no command";
  }
}

TEST_F(CommandNotesTest, HelpShowsTheNotesWholeBeforeTheExitCodes) {
  for (const auto& [command, text] : NotesFiles()) {
    std::vector<std::string> args;
    std::istringstream words(command);
    for (std::string w; words >> w;) args.push_back(w);
    args.push_back("--help");
    auto r = Certmint(args);
    ASSERT_EQ(r.exit_code, 0) << command << ": " << r.err;
    const std::string body = text.substr(0, text.find_last_not_of('\n') + 1);
    const auto at = r.out.find(body);
    ASSERT_NE(at, std::string::npos) << command << "'s --help lacks its notes:\n" << r.out;
    if (command == "completion" || command == "man") continue;  // hidden: no exit codes
    EXPECT_NE(r.out.find("Exit codes", at + body.size()), std::string::npos)
        << command << ": the exit codes should follow the notes:\n"
        << r.out;
  }
}

}  // namespace
}  // namespace certmint::testing
