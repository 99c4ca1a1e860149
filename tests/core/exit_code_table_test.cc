#include <gtest/gtest.h>

#include <string>

#include "core/error.h"

namespace certmint {
namespace {

TEST(ExitCodeTableTest, EveryErrorCodeHasItsLine) {
  const std::string table(ExitCodeTable());
  EXPECT_EQ(table.rfind("Exit codes:\n  0  success\n", 0), 0u);
  for (int code = static_cast<int>(ErrorCode::kInternal);
       code <= static_cast<int>(ErrorCode::kRefused); ++code) {
    const std::string number = std::to_string(code);
    const std::string line = "\n  " + number + std::string(number.size() == 1 ? "  " : " ");
    EXPECT_NE(table.find(line), std::string::npos) << "no line for exit code " << code;
  }
  EXPECT_EQ(table.find("\n  11"), std::string::npos);
  EXPECT_NE(table.back(), '\n') << "commands' footers add their own separation";
}

}  // namespace
}  // namespace certmint
