#include "enroll/renewal_text.h"

#include <gtest/gtest.h>

namespace certmint {
namespace {

const TimePoint kDue = std::chrono::sys_days{std::chrono::year{2026} / 5 / 1};
const TimePoint kEnd = std::chrono::sys_days{std::chrono::year{2026} / 6 / 1};

TEST(RenewalTextTest, OneLinePerEvent) {
  using Kind = RenewalEvent::Kind;
  const std::string server = "https://ca.example:8443";
  EXPECT_EQ(RenewalEventText({Kind::kNotDue, "broker-1", kDue, kEnd}, server),
            "broker-1: not due until 2026-05-01T00:00:00Z (valid until 2026-06-01T00:00:00Z)\n");
  EXPECT_EQ(RenewalEventText({Kind::kRenewed, "broker-1", kDue, kEnd}, server),
            "Renewed broker-1 through https://ca.example:8443: valid until "
            "2026-06-01T00:00:00Z\n");
  EXPECT_EQ(RenewalEventText({Kind::kCutShort, "broker-1", kDue, kEnd}, server),
            "broker-1: valid until 2026-06-01T00:00:00Z, within an hour of its issue: not renewed "
            "again (a CA that ends so soon needs rotating: certmint ca rotate)\n");
}

}  // namespace
}  // namespace certmint
