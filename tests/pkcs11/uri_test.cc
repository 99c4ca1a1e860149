#include "pkcs11/uri.h"

#include <gtest/gtest.h>

namespace certmint {
namespace {

TEST(Pkcs11UriTest, ReadsTokenObjectAndIdPercentDecoded) {
  auto u = ParsePkcs11Uri("pkcs11:token=CA%20token;object=certmint-ca;id=%01%ff;type=private");
  ASSERT_TRUE(u.has_value()) << u.error().ToString();
  EXPECT_EQ(u->token, "CA token");
  EXPECT_EQ(u->object, "certmint-ca");
  EXPECT_EQ(u->id, std::string("\x01\xff", 2));
  // The canonical form reads back to the same value.
  auto again = ParsePkcs11Uri(FormatPkcs11Uri(*u));
  ASSERT_TRUE(again.has_value()) << FormatPkcs11Uri(*u);
  EXPECT_EQ(*again, *u);
  EXPECT_EQ(FormatPkcs11Uri(*u),
            "pkcs11:token=CA%20token;object=certmint-ca;id=%01%FF;type=private");
}

TEST(Pkcs11UriTest, RefusesWhatItCannotUseNamingTheFlag) {
  const char* bad[] = {
      "",
      "pkcs11",
      "http://token=x;object=y",
      "pkcs11:object=k",                    // no token
      "pkcs11:token=t",                     // neither object nor id
      "pkcs11:token=t;object=k;type=cert",  // not a private key
      "pkcs11:token=t;object=k;token=u",    // twice
      "pkcs11:token=t;object=k;serial=1",   // not taken
      "pkcs11:token=t;object=%zz",          // bad escape
      "pkcs11:token=t;object=%4",           // short escape
      "pkcs11:token=t;object=a b",          // a space unescaped
      "pkcs11:token=;object=k",             // empty
      "pkcs11:token=t;object",              // no '='
      "pkcs11:token=t;object=k?module-path=/tmp/evil.so",
  };
  for (const char* text : bad) {
    auto u = ParsePkcs11Uri(text, "--pkcs11");
    ASSERT_FALSE(u.has_value()) << text;
    EXPECT_EQ(u.error().code(), ErrorCode::kInvalidArgument) << text;
    EXPECT_EQ(u.error().message().rfind("--pkcs11: ", 0), 0u) << u.error().message();
  }
  EXPECT_FALSE(ParsePkcs11Uri("pkcs11:token=t;object=" + std::string(2000, 'a')).has_value());
}

// The PIN is never taken from the URI, and never echoed back.
TEST(Pkcs11UriTest, PinInTheUriIsRefusedWithoutEchoingIt) {
  for (const char* text : {"pkcs11:token=t;object=k?pin-value=s3cr3t",
                           "pkcs11:token=t;object=k?pin-source=file:/tmp/pin"}) {
    auto u = ParsePkcs11Uri(text);
    ASSERT_FALSE(u.has_value()) << text;
    EXPECT_NE(u.error().message().find("not honoured"), std::string::npos) << u.error().message();
    EXPECT_EQ(u.error().message().find("s3cr3t"), std::string::npos) << u.error().message();
    EXPECT_EQ(u.error().message().find("/tmp/pin"), std::string::npos) << u.error().message();
  }
}

}  // namespace
}  // namespace certmint
