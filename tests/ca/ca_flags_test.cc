#include "ca/ca_flags.h"

#include <gtest/gtest.h>

#include "support/temp_dir.h"
#include "support/test_ca.h"

namespace certmint {
namespace {

// 2026-12-01T12:00:00Z.
const TimePoint kNow = std::chrono::system_clock::time_point(std::chrono::seconds(1796126400));

TEST(CaFlagsTest, NewCaNeedsSubjectAndKeyType) {
  auto o = ParseCaFlags({"CN=Kafka CA,O=Acme", "ec:p384", "1000"}, nullptr, kNow);
  ASSERT_TRUE(o) << o.error().ToString();
  EXPECT_EQ(o->subject.ToString(), "CN=Kafka CA,O=Acme");
  EXPECT_EQ(o->key_spec.ToString(), "ec:p384");
  EXPECT_EQ(o->days, 1000);
  EXPECT_EQ(o->now, kNow);

  auto no_subject = ParseCaFlags({"", "ec:p256", "1000"}, nullptr, kNow);
  ASSERT_FALSE(no_subject);
  EXPECT_EQ(no_subject.error().ToString().rfind("--subject: ", 0), 0u);
  auto bad_days = ParseCaFlags({"CN=X", "ec:p256", "100000"}, nullptr, kNow);
  ASSERT_FALSE(bad_days);
  EXPECT_NE(bad_days.error().ToString().find("--days"), std::string::npos);
}

TEST(CaFlagsTest, RotationDefaultsToTheCurrentCa) {
  testing::TempDir tmp;
  auto current = testing::InitTestCa(tmp / "pki", "Kafka CA", kNow);
  auto o = ParseCaFlags({"", "", "3650"}, &current, kNow);
  ASSERT_TRUE(o) << o.error().ToString();
  EXPECT_EQ(o->subject.ToString(), "CN=Kafka CA 2026-12-01");
  EXPECT_EQ(o->key_spec, current.signer().Spec());

  auto given = ParseCaFlags({"CN=Next CA", "rsa:2048", "3650"}, &current, kNow);
  ASSERT_TRUE(given) << given.error().ToString();
  EXPECT_EQ(given->subject.ToString(), "CN=Next CA");
  EXPECT_EQ(given->key_spec.ToString(), "rsa:2048");
}

}  // namespace
}  // namespace certmint
