#include <gtest/gtest.h>

#include "x509/certificate.h"

namespace certmint {
namespace {

TEST(SerialTest, NormalizedAsSerialHexWritesIt) {
  EXPECT_EQ(NormalizeSerialHex("01:ab").value(), "01:AB");
  EXPECT_EQ(NormalizeSerialHex("1ab").value(), "01:AB") << "an odd digit count";
  EXPECT_EQ(NormalizeSerialHex("0000ff").value(), "FF") << "leading zero bytes";
  EXPECT_EQ(NormalizeSerialHex("00").value(), "00");
  EXPECT_FALSE(NormalizeSerialHex("broker-1"));
  EXPECT_FALSE(NormalizeSerialHex(""));
  EXPECT_FALSE(NormalizeSerialHex(std::string(42, 'a'))) << "more than 20 bytes";
  auto bad = NormalizeSerialHex("ab\ncd");
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().message().find('\n'), std::string::npos) << "printed escaped";
}

}  // namespace
}  // namespace certmint
