#include "x509/request_flags.h"

#include <gtest/gtest.h>

#include "x509/issue.h"

namespace certmint {
namespace {

TEST(RequestFlagsTest, ParsesEveryField) {
  RequestFlags flags;
  flags.dns = {"broker-1.example.com"};
  flags.ips = {"10.0.0.11"};
  flags.role = "server";
  flags.key_type = "rsa:3072";
  flags.subject = "CN=broker-1,O=Acme";
  flags.days = "90";
  auto parsed = ParseRequestFlags(flags);
  ASSERT_TRUE(parsed) << parsed.error().ToString();
  EXPECT_EQ(parsed->sans.dns, std::vector<std::string>{"broker-1.example.com"});
  EXPECT_EQ(parsed->sans.ips.size(), 1u);
  EXPECT_EQ(parsed->role, Role::kServer);
  EXPECT_EQ(parsed->key_spec.ToString(), "rsa:3072");
  ASSERT_TRUE(parsed->subject);
  EXPECT_EQ(parsed->subject->ToString(), "CN=broker-1,O=Acme");
  EXPECT_EQ(parsed->days, 90);

  auto defaults = ParseRequestFlags({});
  ASSERT_TRUE(defaults) << defaults.error().ToString();
  EXPECT_FALSE(defaults->subject) << "an empty --subject leaves the command's default";
  EXPECT_EQ(defaults->role, Role::kBoth);
}

TEST(RequestFlagsTest, ErrorsNameTheFlag) {
  const auto error_of = [](RequestFlags flags) {
    auto parsed = ParseRequestFlags(flags);
    EXPECT_FALSE(parsed);
    return parsed ? std::string() : parsed.error().ToString();
  };
  RequestFlags f;
  f.role = "admin-ish";
  EXPECT_EQ(error_of(f).rfind("--role: ", 0), 0u) << error_of(f);
  f = {};
  f.key_type = "dsa:1024";
  EXPECT_EQ(error_of(f).rfind("--key-type: ", 0), 0u) << error_of(f);
  f = {};
  f.subject = "not a DN";
  EXPECT_EQ(error_of(f).rfind("--subject: ", 0), 0u) << error_of(f);
  f = {};
  f.ips = {"10.0.0.300"};
  EXPECT_NE(error_of(f).find("--ip"), std::string::npos) << error_of(f);
  f = {};
  // Each bad validity: one error naming --days (short-lived: "24h").
  for (const char* bad : {"0", "0h", "1h", "24x", "-1d", "+1d", "1.5d", "d", "", "24 h",
                          "100000",  // would wrap past the year 9999 otherwise
                          "876001h", "99999999999999999999999h"}) {
    SCOPED_TRACE(bad);
    f.days = bad;
    const std::string e = error_of(f);
    EXPECT_EQ(e.rfind("--days: ", 0), 0u) << e;
    EXPECT_EQ(e.find('\n'), std::string::npos) << e;
  }
}

TEST(RequestFlagsTest, DaysTakeDaysOrHours) {
  const auto days_of = [](const char* text) {
    RequestFlags f;
    f.days = text;
    auto parsed = ParseRequestFlags(f);
    EXPECT_TRUE(parsed) << text << ": " << parsed.error().ToString();
    return parsed ? parsed->days.hours().count() : -1;
  };
  EXPECT_EQ(days_of("365"), 365 * 24);
  EXPECT_EQ(days_of("90d"), 90 * 24);
  EXPECT_EQ(days_of("24h"), 24);
  EXPECT_EQ(days_of("36h"), 36);
  EXPECT_EQ(days_of("2h"), 2);
  EXPECT_EQ(days_of("36500d"), 36500 * 24);
  EXPECT_EQ(Validity::Hours(36).ToString(), "36h");
  EXPECT_EQ(Validity(90).ToString(), "90d");
}

}  // namespace
}  // namespace certmint
