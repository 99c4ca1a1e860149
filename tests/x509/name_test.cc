#include "x509/name.h"

#include <gtest/gtest.h>

namespace certmint {
namespace {

TEST(DistinguishedNameTest, Rfc4514FormKeepsKeytoolOrder) {
  auto dn = DistinguishedName::Parse("CN=broker-1, OU=Kafka, O=Acme, C=DE");
  ASSERT_TRUE(dn) << dn.error().ToString();
  EXPECT_EQ(dn->ToString(), "CN=broker-1,OU=Kafka,O=Acme,C=DE");
  EXPECT_EQ(dn->CommonNameValue(), "broker-1");
  // DER order: C first (most significant).
  const X509_NAME_ENTRY* first = X509_NAME_get_entry(dn->native(), 0);
  EXPECT_EQ(OBJ_obj2nid(X509_NAME_ENTRY_get_object(first)), NID_countryName);
}

TEST(DistinguishedNameTest, SlashFormAsTheSeedUsesIt) {
  auto dn = DistinguishedName::Parse("/C=DE/O=Acme/CN=kafka.example.com");
  ASSERT_TRUE(dn);
  EXPECT_EQ(dn->ToString(), "CN=kafka.example.com,O=Acme,C=DE");
}

TEST(DistinguishedNameTest, EscapesAndOids) {
  auto dn = DistinguishedName::Parse("CN=Smith\\, John,O=A\\2CB,2.5.4.11=Ops");
  ASSERT_TRUE(dn) << dn.error().ToString();
  EXPECT_EQ(dn->CommonNameValue(), "Smith, John");
  EXPECT_EQ(dn->ToString(), "CN=Smith\\, John,O=A\\,B,OU=Ops");
}

TEST(DistinguishedNameTest, RejectsMalformed) {
  struct Case {
    const char* dn;
    const char* message_part;
  } cases[] = {
      {"", "empty"},
      {"CN", "TYPE=VALUE"},
      {"XX=foo", "unknown attribute type 'XX'"},
      {"CN=", "empty value"},
      {"=foo", "no type"},
      {"C=Germany", "invalid value 'Germany' for attribute C"},
      {"CN=a+OU=b", "multi-valued"},
      {"CN=a\\", "lone backslash"},
  };
  for (const auto& c : cases) {
    auto dn = DistinguishedName::Parse(c.dn);
    ASSERT_FALSE(dn) << c.dn;
    EXPECT_EQ(dn.error().code(), ErrorCode::kInvalidArgument) << c.dn;
    EXPECT_NE(dn.error().message().find(c.message_part), std::string::npos)
        << c.dn << " -> " << dn.error().message();
  }
}

TEST(DistinguishedNameTest, CommonNameLimit) {
  EXPECT_TRUE(DistinguishedName::CommonName(std::string(64, 'a')));
  EXPECT_FALSE(DistinguishedName::CommonName(std::string(65, 'a')));
}

}  // namespace
}  // namespace certmint
