#include "cmdline/flag_defaults.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <sstream>

#include "cmdline/test_app.h"
#include "support/temp_dir.h"

namespace certmint::cmdline {
namespace {

using certmint::testing::TempDir;
using certmint::testing::WriteTextFile;

// tool.yaml: --dir everywhere ($TOOL_TEST_DIR); --out in `tool issue` only
// and not with --dry-run; --key-file in `tool ca init` only, unless
// $TOOL_TEST_KEY holds the key itself.
DefaultsSpec Spec() {
  return {.file_name = "tool.yaml",
          .file_env = "TOOL_TEST_CONFIG",
          .example = "dir: pki, ...",
          .flags = {{.flag = "--dir", .key = "dir", .env_value = "TOOL_TEST_DIR"},
                    {.flag = "--out", .key = "out", .only = {"tool issue"}, .unless = "--dry-run"},
                    {.flag = "--key-file",
                     .key = "key_file",
                     .env_password = "TOOL_TEST_KEY",
                     .only = {"tool ca init"}}}};
}

// Sets (or, with nullptr, unsets) an environment variable for one test.
class ScopedEnv {
 public:
  ScopedEnv(const char* name, const char* value) : name_(name) {
    value ? setenv(name, value, 1) : unsetenv(name);
  }
  ~ScopedEnv() { unsetenv(name_); }

 private:
  const char* name_;
};

class FlagDefaultsTest : public ::testing::Test {
 protected:
  ScopedEnv no_dir_{"TOOL_TEST_DIR", nullptr};
  ScopedEnv no_key_{"TOOL_TEST_KEY", nullptr};
  ScopedEnv no_config_{"TOOL_TEST_CONFIG", nullptr};
  TempDir tmp_;
};

TEST_F(FlagDefaultsTest, AFileResolvesPathsFromItsOwnDirectory) {
  auto file = ParseDefaultsFile(Spec(), tmp_ / "tool.yaml", "dir: pki\nout: /abs/certs\n");
  ASSERT_TRUE(file) << file.error().ToString();
  EXPECT_EQ(file->values.at("dir"), tmp_ / "pki");
  EXPECT_EQ(file->values.at("out"), "/abs/certs");
  auto empty = ParseDefaultsFile(Spec(), tmp_ / "tool.yaml", "");
  ASSERT_TRUE(empty);
  EXPECT_TRUE(empty->values.empty());
}

TEST_F(FlagDefaultsTest, AFileThatDoesNotParseIsOneLineNamingFileAndLine) {
  const std::string path = tmp_ / "tool.yaml";
  const auto error = [&](const std::string& text) {
    auto r = ParseDefaultsFile(Spec(), path, text);
    EXPECT_FALSE(r) << text;
    EXPECT_EQ(r ? ErrorCode::kInternal : r.error().code(), ErrorCode::kInvalidArgument);
    return r ? std::string() : r.error().ToString();
  };
  EXPECT_EQ(error("dri: pki\n"),
            path + ":1: unknown key 'dri' (tool.yaml takes dir, out and key_file)");
  EXPECT_EQ(error("dir: a\ndir: b\n"), path + ":2: dir is given twice");
  EXPECT_EQ(error("dir: [a, b]\n"), path + ":1: dir must be a path");
  EXPECT_EQ(error("- a\n- b\n"), path + ":1: expected a mapping (dir: pki, ...)");
  EXPECT_EQ(error("dir: [a\n").rfind(path + ":", 0), 0u);
}

TEST_F(FlagDefaultsTest, TheNearestFileUpwardsIsFoundUnlessTheVariableNamesAnother) {
  std::filesystem::create_directories(tmp_ / "a/b");
  WriteTextFile(tmp_ / "a/tool.yaml", "dir: pki\n");
  WriteTextFile(tmp_ / "other.yaml", "dir: elsewhere\n");
  const auto cwd = std::filesystem::current_path();
  std::filesystem::current_path(tmp_ / "a/b");
  auto found = LoadDefaultsFile(Spec());
  ScopedEnv config("TOOL_TEST_CONFIG", (tmp_ / "other.yaml").c_str());
  auto named = LoadDefaultsFile(Spec());
  std::filesystem::current_path(cwd);
  ASSERT_TRUE(found && *found);
  EXPECT_EQ((*found)->values.at("dir"), tmp_ / "a/pki");
  ASSERT_TRUE(named && *named);
  EXPECT_EQ((*named)->values.at("dir"), tmp_ / "elsewhere");
}

TEST_F(FlagDefaultsTest, HelpSaysWhereTheDefaultComesFromAndRequiredWaitsForApply) {
  TestApp t;
  FlagDefaults defaults(&t.app, Spec());
  CLI::Option* dir = t.app.get_subcommand("ca")->get_subcommand("init")->get_option("--dir");
  EXPECT_EQ(dir->get_description(),
            "The CA's directory [default: $TOOL_TEST_DIR, else dir: in tool.yaml]");
  EXPECT_EQ(t.issue->get_option("--out")->get_description(),
            "Where the files go [default: out: in tool.yaml]");
  EXPECT_EQ(t.issue->get_option("--key-file")->get_description(), "The key: a file")
      << "not a command where --key-file takes a default";
  EXPECT_EQ(t.app.get_subcommand("ca")
                ->get_subcommand("init")
                ->get_option("--key-file")
                ->get_description(),
            "The CA key: a file [default: key_file: in tool.yaml, unless $TOOL_TEST_KEY is set]");
  EXPECT_FALSE(dir->get_required());
  defaults.RestoreRequired();
  EXPECT_TRUE(dir->get_required());
}

TEST_F(FlagDefaultsTest, TheEnvironmentWinsOverTheFileAndEachDefaultIsSaid) {
  WriteTextFile(tmp_ / "tool.yaml", "dir: pki\nout: certs\n");
  ScopedEnv config("TOOL_TEST_CONFIG", (tmp_ / "tool.yaml").c_str());
  ScopedEnv dir("TOOL_TEST_DIR", "envpki");
  TestApp t;
  FlagDefaults defaults(&t.app, Spec());
  ASSERT_EQ(ParseArgs(t.app, {"issue"}), nullptr);
  std::ostringstream notes;
  ASSERT_TRUE(defaults.Apply(notes));
  EXPECT_EQ(t.out, tmp_ / "certs");
  EXPECT_EQ(notes.str(), "tool: --out " + (tmp_ / "certs") + " (from tool.yaml at " +
                             (tmp_ / "tool.yaml") + ")\n");
  TestApp init;
  FlagDefaults init_defaults(&init.app, Spec());
  ASSERT_EQ(ParseArgs(init.app, {"ca", "init"}), nullptr);
  std::ostringstream init_notes;
  ASSERT_TRUE(init_defaults.Apply(init_notes));
  EXPECT_EQ(init.dir, "envpki");
  EXPECT_EQ(init_notes.str(), "tool: --dir envpki (from $TOOL_TEST_DIR)\n");
}

TEST_F(FlagDefaultsTest, AFlagGivenOrItsUnlessFlagLeavesTheDefaultUnused) {
  WriteTextFile(tmp_ / "tool.yaml", "out: certs\n");
  ScopedEnv config("TOOL_TEST_CONFIG", (tmp_ / "tool.yaml").c_str());
  TestApp given;
  FlagDefaults defaults(&given.app, Spec());
  ASSERT_EQ(ParseArgs(given.app, {"issue", "--out", "mine"}), nullptr);
  std::ostringstream notes;
  ASSERT_TRUE(defaults.Apply(notes));
  EXPECT_EQ(given.out, "mine");
  TestApp dry;
  FlagDefaults dry_defaults(&dry.app, Spec());
  ASSERT_EQ(ParseArgs(dry.app, {"issue", "--dry-run"}), nullptr);
  ASSERT_TRUE(dry_defaults.Apply(notes));
  EXPECT_EQ(dry.out, "");
  EXPECT_EQ(notes.str(), "");
}

TEST_F(FlagDefaultsTest, ARequiredFlagNothingSuppliedNamesEverySource) {
  TestApp t;
  FlagDefaults defaults(&t.app, Spec());
  ASSERT_EQ(ParseArgs(t.app, {"ca", "init"}), nullptr) << "required waits for Apply";
  std::ostringstream notes;
  Status st = defaults.Apply(notes);
  ASSERT_FALSE(st);
  EXPECT_EQ(st.error().code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(st.error().ToString(), "--dir is required (or $TOOL_TEST_DIR, or dir: in tool.yaml)");
}

TEST_F(FlagDefaultsTest, APasswordInTheEnvironmentLeavesTheFilesKeyUnused) {
  WriteTextFile(tmp_ / "tool.yaml", "dir: pki\nkey_file: key.pem\n");
  ScopedEnv config("TOOL_TEST_CONFIG", (tmp_ / "tool.yaml").c_str());
  TestApp from_file;
  FlagDefaults defaults(&from_file.app, Spec());
  ASSERT_EQ(ParseArgs(from_file.app, {"ca", "init"}), nullptr);
  std::ostringstream notes;
  ASSERT_TRUE(defaults.Apply(notes));
  EXPECT_EQ(from_file.ca_key_file, tmp_ / "key.pem");
  ScopedEnv key("TOOL_TEST_KEY", "the key itself");
  TestApp t;
  FlagDefaults env_defaults(&t.app, Spec());
  ASSERT_EQ(ParseArgs(t.app, {"ca", "init"}), nullptr);
  ASSERT_TRUE(env_defaults.Apply(notes));
  EXPECT_EQ(t.ca_key_file, "") << "the variable wins, and is read by the command";
  EXPECT_EQ(t.dir, tmp_ / "pki");
}

TEST_F(FlagDefaultsTest, ABrokenFileFailsOnlyTheCommandThatNeedsIt) {
  WriteTextFile(tmp_ / "tool.yaml", "nonsense: 1\n");
  ScopedEnv config("TOOL_TEST_CONFIG", (tmp_ / "tool.yaml").c_str());
  TestApp t;
  FlagDefaults defaults(&t.app, Spec());
  ASSERT_EQ(ParseArgs(t.app, {"ca", "rotate"}), nullptr);
  std::ostringstream notes;
  EXPECT_TRUE(defaults.Apply(notes)) << "rotate takes no defaulted flag";
  TestApp init;
  FlagDefaults init_defaults(&init.app, Spec());
  ASSERT_EQ(ParseArgs(init.app, {"ca", "init"}), nullptr);
  EXPECT_FALSE(init_defaults.Apply(notes));
}

}  // namespace
}  // namespace certmint::cmdline
