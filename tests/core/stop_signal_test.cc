#include "core/stop_signal.h"

#include <gtest/gtest.h>

#include <csignal>

namespace certmint {
namespace {

TEST(StopSignalTest, TerminationSetsTheFlagInsteadOfEnding) {
  const std::atomic<bool>& stop = StopOnTermination();
  EXPECT_FALSE(stop);
  ASSERT_EQ(std::raise(SIGTERM), 0);  // the handler runs before raise returns
  EXPECT_TRUE(stop);
  std::signal(SIGTERM, SIG_DFL);
  std::signal(SIGINT, SIG_DFL);
}

}  // namespace
}  // namespace certmint
