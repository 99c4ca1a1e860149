#include "cmdline/discover.h"

#include <gtest/gtest.h>

#include "cmdline/command_tree.h"
#include "cmdline/test_app.h"
#include "core/error.h"

namespace certmint::cmdline {
namespace {

std::vector<std::string> Paths(const std::vector<const CLI::App*>& commands) {
  std::vector<std::string> paths;
  for (const CLI::App* c : commands) paths.push_back(CommandPath(*c));
  return paths;
}

TEST(CommandTreeTest, LeafCommandsAreTheVisibleOnesInOrderWithTheirPaths) {
  TestApp t;
  EXPECT_EQ(Paths(LeafCommands(t.app)),
            (std::vector<std::string>{"tool ca init", "tool ca rotate", "tool issue"}));
  EXPECT_EQ(Paths(VisibleSubcommands(t.app)), (std::vector<std::string>{"tool ca", "tool issue"}));
  EXPECT_TRUE(IsHidden(*t.app.get_subcommand("secret")));
  EXPECT_FALSE(IsHidden(*t.issue));
}

TEST(CommandTreeTest, PrepareFlagsNamesValuesAndListsEveryFlag) {
  TestApp t;
  const std::set<std::string> known = PrepareFlags(&t.app, {"--out"});
  for (const char* flag : {"-v", "--verbose", "--dir", "--dns", "--out", "--key-file", "--help"}) {
    EXPECT_EQ(known.count(flag), 1u) << flag;
  }
  EXPECT_EQ(t.issue->get_option("--key-file")->get_type_name(), "FILE");
  EXPECT_EQ(t.issue->get_option("--out")->get_type_name(), "DIR");
  EXPECT_EQ(t.issue->get_option("--dns")->get_default_str(), "") << "no [] for a repeatable flag";
  // Fallthrough: the global flag after the command parses.
  EXPECT_EQ(ParseArgs(t.app, {"issue", "--verbose"}), nullptr);
  EXPECT_TRUE(t.verbose);
}

TEST(CommandTreeTest, EveryVisibleCommandsFooterEndsWithTheExitCodesOnce) {
  TestApp t;
  t.issue->footer("Example:\n  tool issue --dns a");
  AddExitCodeFooters(&t.app);
  AddExitCodeFooters(&t.app);  // a second pass adds nothing
  const std::string table(ExitCodeTable());
  EXPECT_EQ(t.issue->get_footer(), "Example:\n  tool issue --dns a\n\n" + table);
  EXPECT_EQ(t.app.get_subcommand("ca")->get_subcommand("init")->get_footer(), table);
  EXPECT_EQ(t.app.get_subcommand("secret")->get_footer(), "") << "hidden commands get none";
}

TEST(DiscoverTest, CommandListHasEveryVisibleCommandAndTheEpilogue) {
  TestApp t;
  EXPECT_EQ(CommandListText(t.app, "\nThe end.\n"),
            "tool: a program to test with\n\nUsage: tool COMMAND [FLAGS]   (tool COMMAND --help: "
            "its flags, an example and the exit codes)\n\nCommands:\n"
            "  ca init                Create a CA\n"
            "  ca rotate              Rotate the CA's key\n"
            "  issue                  Issue a certificate\nmore lines\n"
            "\nThe end.\n");
}

TEST(DidYouMeanTest, EditDistanceCountsATranspositionAsOne) {
  EXPECT_EQ(EditDistance("--dsn", "--dns"), 1u);
  EXPECT_EQ(EditDistance("isue", "issue"), 1u);
  EXPECT_EQ(EditDistance("", "abc"), 3u);
  EXPECT_EQ(EditDistance("rotate", "rotate"), 0u);
  EXPECT_EQ(EditDistance("kitten", "sitting"), 3u);
}

TEST(DidYouMeanTest, ClosestNameIsCloseEnoughOrTheOnlyPrefix) {
  const std::vector<std::string> commands{"init", "rotate", "retire", "set-url"};
  EXPECT_EQ(ClosestName("rotat", commands), "rotate");
  EXPECT_EQ(ClosestName("set", commands), "set-url") << "the only one it begins";
  EXPECT_EQ(ClosestName("re", commands), "retire") << "the only one it begins";
  EXPECT_EQ(ClosestName("se", {"set-url", "set-dir"}), std::nullopt) << "two begin with it";
  EXPECT_EQ(ClosestName("zzzzzz", commands), std::nullopt);
  EXPECT_EQ(ClosestName("--dsn", {"--dns", "--dir", "-v"}), "--dns");
}

TEST(DidYouMeanTest, AnUnknownCommandGetsTheClosestOne) {
  TestApp t;
  auto e = ParseArgs(t.app, {"isue"});
  ASSERT_NE(e, nullptr);
  EXPECT_EQ(ParseErrorLine(t.app, *e),
            "unknown command 'isue' for 'tool'; did you mean 'tool issue'?");
  EXPECT_EQ(ParseErrorText(t.app, *e),
            "tool: error: unknown command 'isue' for 'tool'; did you mean 'tool issue'?\n"
            "Run 'tool --help' for its commands.\n");
}

TEST(DidYouMeanTest, AnUnknownFlagGetsTheClosestOneAndItsValueIsNotEchoed) {
  TestApp t;
  PrepareFlags(&t.app, {});
  auto e = ParseArgs(t.app, {"issue", "--dsn=s3cret"});
  ASSERT_NE(e, nullptr);
  EXPECT_EQ(ParseErrorText(t.app, *e),
            "tool: error: unknown flag --dsn for 'tool issue'; did you mean --dns?\n"
            "Run 'tool issue --help' for its flags and an example.\n");
}

TEST(DidYouMeanTest, AGroupWithoutItsCommandNamesThem) {
  TestApp t;
  auto e = ParseArgs(t.app, {"ca"});
  ASSERT_NE(e, nullptr);
  EXPECT_EQ(ParseErrorLine(t.app, *e), "'tool ca' needs one of its commands: init, rotate");
}

TEST(DidYouMeanTest, WhatIsEchoedIsEscaped) {
  TestApp t;
  auto e = ParseArgs(t.app, {"\x1b[2Jx"});
  ASSERT_NE(e, nullptr);
  const std::string line = ParseErrorLine(t.app, *e);
  EXPECT_EQ(line.find('\x1b'), std::string::npos) << line;
}

}  // namespace
}  // namespace certmint::cmdline
