#include <gtest/gtest.h>

#include "identity/reload_hook.h"

namespace certmint {
namespace {

TEST(ReloadHookTextTest, SuccessOnStdoutUnlessJsonFailureOnStderrAlways) {
  HookOutcome ok;
  ok.name = "broker-1";
  ok.ok = true;
  const ConsoleText text = HookOutcomeConsoleText(ok, false);
  EXPECT_EQ(text.out, HookOutcomeText(ok));
  EXPECT_TRUE(text.err.empty());
  const ConsoleText json = HookOutcomeConsoleText(ok, true);
  EXPECT_TRUE(json.out.empty());
  EXPECT_TRUE(json.err.empty());

  HookOutcome failed = ok;
  failed.ok = false;
  failed.exit_code = 3;
  for (bool as_json : {false, true}) {
    const ConsoleText t = HookOutcomeConsoleText(failed, as_json);
    EXPECT_TRUE(t.out.empty());
    EXPECT_EQ(t.err, "certmint: warning: " + HookOutcomeText(failed));
  }
}

}  // namespace
}  // namespace certmint
