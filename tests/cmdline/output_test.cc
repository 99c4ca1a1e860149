#include "cmdline/output.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "cmdline/test_app.h"

namespace certmint::cmdline {
namespace {

std::vector<char*> Argv(std::vector<std::string>& args) {
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  return argv;
}

TEST(OutputTest, JsonIsWantedBeforeADoubleDashOnly) {
  std::vector<std::string> a{"tool", "issue", "--json"}, b{"tool", "issue", "--", "--json"},
      c{"tool", "issue"};
  EXPECT_TRUE(WantsJson(3, Argv(a).data()));
  EXPECT_FALSE(WantsJson(4, Argv(b).data()));
  EXPECT_FALSE(WantsJson(2, Argv(c).data()));
}

TEST(OutputTest, JsonTextIsIndentedAndReplacesInvalidUtf8) {
  EXPECT_EQ(JsonText(nlohmann::json{{"a", 1}}), "{\n  \"a\": 1\n}");
  EXPECT_EQ(JsonText(nlohmann::json("x\xff")), "\"x\xEF\xBF\xBD\"");
}

TEST(OutputTest, AnErrorAfterTheDocumentIsNotASecondDocument) {
  const Error error(ErrorCode::kNotFound, "no CA in pki");
  ::testing::internal::CaptureStdout();
  ::testing::internal::CaptureStderr();
  EXPECT_EQ(ReportError("tool", error, /*json=*/false, false), 3);
  EXPECT_EQ(::testing::internal::GetCapturedStdout(), "");
  EXPECT_EQ(::testing::internal::GetCapturedStderr(), "tool: error: no CA in pki\n");

  ::testing::internal::CaptureStdout();
  ::testing::internal::CaptureStderr();
  EXPECT_EQ(ReportError("tool", error, /*json=*/true, false), 3);
  const auto doc = nlohmann::json::parse(::testing::internal::GetCapturedStdout());
  ::testing::internal::GetCapturedStderr();
  EXPECT_EQ(doc["error"]["code"], "not-found");
  EXPECT_TRUE(JsonDocumentPrinted());

  ::testing::internal::CaptureStdout();
  ::testing::internal::CaptureStderr();
  PrintResult(true, nlohmann::json{{"ok", true}}, "ok\n");
  ReportError("tool", error, /*json=*/true, false);
  EXPECT_EQ(::testing::internal::GetCapturedStdout(), "{\n  \"ok\": true\n}\n");
  EXPECT_EQ(::testing::internal::GetCapturedStderr(), "tool: error: no CA in pki\n");
}

TEST(OutputTest, AParseErrorIsTheDidYouMeanTextAndWithJsonADocument) {
  TestApp t;
  auto e = ParseArgs(t.app, {"isue"});
  ASSERT_NE(e, nullptr);
  ::testing::internal::CaptureStdout();
  ::testing::internal::CaptureStderr();
  EXPECT_EQ(ReportParseError(t.app, *e, true), 2);
  const auto doc = nlohmann::json::parse(::testing::internal::GetCapturedStdout());
  EXPECT_EQ(::testing::internal::GetCapturedStderr(),
            "tool: error: unknown command 'isue' for 'tool'; did you mean 'tool issue'?\n"
            "Run 'tool --help' for its commands.\n");
  EXPECT_EQ(doc["error"]["message"],
            "unknown command 'isue' for 'tool'; did you mean 'tool issue'?");
  EXPECT_EQ(doc["error"]["exit_code"], 2);
}

}  // namespace
}  // namespace certmint::cmdline
