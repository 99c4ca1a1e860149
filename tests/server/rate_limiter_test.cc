#include "server/rate_limiter.h"

#include <gtest/gtest.h>

namespace certmint {
namespace {

TEST(RateLimiterTest, BurstThenRate) {
  RateLimiter l(2, 3);
  auto t = RateLimiter::Clock::now();
  EXPECT_TRUE(l.Allow("a", t));
  EXPECT_TRUE(l.Allow("a", t));
  EXPECT_TRUE(l.Allow("a", t));
  EXPECT_FALSE(l.Allow("a", t));
  EXPECT_TRUE(l.Allow("b", t));         // per address
  t += std::chrono::milliseconds(500);  // one token back at 2/s
  EXPECT_TRUE(l.Allow("a", t));
  EXPECT_FALSE(l.Allow("a", t));
  t += std::chrono::seconds(60);  // refilled, never above the burst
  for (int i = 0; i < 3; ++i) {
    EXPECT_TRUE(l.Allow("a", t));
  }
  EXPECT_FALSE(l.Allow("a", t));
  EXPECT_EQ(l.RetryAfterSeconds(), 1);
}

TEST(RateLimiterTest, OffWhenZero) {
  RateLimiter l(0, 1);
  auto t = RateLimiter::Clock::now();
  for (int i = 0; i < 1000; ++i) {
    ASSERT_TRUE(l.Allow("a", t));
  }
}

}  // namespace
}  // namespace certmint
