#include "core/confirm.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <unistd.h>

namespace certmint {
namespace {

TEST(ConfirmTest, NobodyToAskWithoutATerminal) {
  // stdin from /dev/null, whatever ctest was started from.
  const int saved = dup(STDIN_FILENO);
  const int null = open("/dev/null", O_RDONLY);
  ASSERT_GE(saved, 0);
  ASSERT_GE(null, 0);
  ASSERT_EQ(dup2(null, STDIN_FILENO), STDIN_FILENO);
  const auto answer = AskYesNo("Revoke it?");
  dup2(saved, STDIN_FILENO);
  close(saved);
  close(null);
  EXPECT_FALSE(answer.has_value()) << "no terminal: the caller must be told (--yes)";
}

}  // namespace
}  // namespace certmint
