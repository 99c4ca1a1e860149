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
  flags.days = 90;
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
  f.days = 0;
  EXPECT_NE(error_of(f).find("--days"), std::string::npos) << error_of(f);
  f.days = 100000;  // would wrap past the year 9999 otherwise
  EXPECT_NE(error_of(f).find("--days"), std::string::npos) << error_of(f);
}

}  // namespace
}  // namespace certmint
