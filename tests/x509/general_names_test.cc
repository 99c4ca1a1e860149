#include "x509/general_names.h"

#include <gtest/gtest.h>

namespace certmint {
namespace {

TEST(HostNameTest, AcceptsRfc1123Names) {
  for (const char* ok :
       {"broker-1", "broker-1.kafka.example.com", "a", "x1.y2", "B.EXAMPLE.COM", "123.example"}) {
    EXPECT_TRUE(IsValidHostName(ok, false)) << ok;
  }
  EXPECT_TRUE(IsValidHostName("*.kafka.example.com", true));
  EXPECT_FALSE(IsValidHostName("*.kafka.example.com", false));
}

TEST(HostNameTest, RejectsBadNames) {
  for (const char* bad : {"", "-a", "a-", "a..b", ".a", "a.", "a_b", "a b", "*", "a.*.b", "*.*.a",
                          "x,IP:1.2.3.4", "ä.example"}) {
    EXPECT_FALSE(IsValidHostName(bad, true)) << bad;
  }
  EXPECT_FALSE(IsValidHostName(std::string(64, 'a'), false));
  EXPECT_TRUE(IsValidHostName(std::string(63, 'a'), false));
  std::string long_name;
  for (int i = 0; i < 64; ++i) {
    long_name += "abc.";
  }
  long_name += "com";
  EXPECT_FALSE(IsValidHostName(long_name, false)) << "over 253 characters";
}

TEST(HostNameTest, ParseLowerCasesAndExplains) {
  EXPECT_EQ(ParseDnsName("Broker-1.Example.COM").value(), "broker-1.example.com");
  auto bad = ParseDnsName("bad_name");
  ASSERT_FALSE(bad);
  EXPECT_NE(bad.error().message().find("'bad_name' is not a valid host name"), std::string::npos);
}

TEST(IpAddressTest, CanonicalForms) {
  EXPECT_EQ(ParseIpAddress("10.0.0.1").value(), "10.0.0.1");
  EXPECT_EQ(ParseIpAddress("2001:DB8:0:0::1").value(), "2001:db8::1");
  for (const char* bad : {"10.0.0", "256.1.1.1", "10.0.0.1/24", "host", "", "::g"}) {
    auto r = ParseIpAddress(bad);
    ASSERT_FALSE(r) << bad;
    EXPECT_NE(r.error().message().find("not an IPv4 or IPv6 address"), std::string::npos);
  }
}

TEST(SubjectAltNamesTest, NoDuplicates) {
  SubjectAltNames s;
  s.AddDns("a");
  s.AddDns("a");
  s.AddIp("1.2.3.4");
  s.AddIp("1.2.3.4");
  EXPECT_EQ(s.dns.size(), 1u);
  EXPECT_EQ(s.ips.size(), 1u);
}

}  // namespace
}  // namespace certmint
