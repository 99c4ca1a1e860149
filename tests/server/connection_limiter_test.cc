#include "server/connection_limiter.h"

#include <gtest/gtest.h>

#include <vector>

namespace certmint {
namespace {

TEST(ConnectionLimiterTest, CapsPerAddressAndInTotalAndReleasesSlots) {
  ConnectionLimiter limiter(/*total=*/5, /*per_address=*/3);
  std::vector<ConnectionLimiter::Slot> held;
  for (int i = 0; i < 3; ++i) {
    auto slot = limiter.TryAcquire("10.0.0.1");
    ASSERT_TRUE(slot.has_value());
    held.push_back(std::move(*slot));
  }
  EXPECT_FALSE(limiter.TryAcquire("10.0.0.1").has_value()) << "per address";
  for (int i = 0; i < 2; ++i) {
    auto slot = limiter.TryAcquire("10.0.0.2");
    ASSERT_TRUE(slot.has_value());
    held.push_back(std::move(*slot));
  }
  EXPECT_FALSE(limiter.TryAcquire("10.0.0.3").has_value()) << "in total";
  EXPECT_EQ(limiter.open(), 5u);
  held.erase(held.begin());
  EXPECT_EQ(limiter.open(), 4u);
  EXPECT_TRUE(limiter.TryAcquire("10.0.0.1").has_value());  // released again at once
  EXPECT_EQ(limiter.open(), 4u);
}

}  // namespace
}  // namespace certmint
