#include "x509/san_lists.h"

#include <gtest/gtest.h>

namespace certmint {
namespace {

TEST(SanListsTest, ParsesDnsNamesThenIps) {
  auto sans = ParseSanLists({"broker-1.example.com", "*.kafka.example.com"}, {"10.0.0.1", "::1"});
  ASSERT_TRUE(sans.has_value()) << sans.error().ToString();
  EXPECT_EQ(sans->dns.size(), 2u);
  EXPECT_EQ(sans->ips.size(), 2u);
  EXPECT_EQ(sans->dns.front(), "broker-1.example.com");
}

TEST(SanListsTest, NoneGivenIsEmpty) {
  auto sans = ParseSanLists({}, {});
  ASSERT_TRUE(sans.has_value());
  EXPECT_TRUE(sans->empty());
}

TEST(SanListsTest, AnInvalidDnsNameNamesTheFlag) {
  auto sans = ParseSanLists({"good.example.com", "bad name"}, {});
  ASSERT_FALSE(sans.has_value());
  EXPECT_NE(sans.error().ToString().find("--dns"), std::string::npos);
}

TEST(SanListsTest, AnInvalidIpNamesTheFlag) {
  auto sans = ParseSanLists({}, {"10.0.0.300"});
  ASSERT_FALSE(sans.has_value());
  EXPECT_NE(sans.error().ToString().find("--ip"), std::string::npos);
}

}  // namespace
}  // namespace certmint
