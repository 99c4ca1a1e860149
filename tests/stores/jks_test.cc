#include "stores/jks.h"

#include <gtest/gtest.h>

#include <limits>

#include "stores/byte_reader.h"
#include "stores/store_fixture.h"

namespace certmint {
namespace {

using testing::StoreFixture;

const SecretString kPassword("changeit");
const TimePoint kNow = std::chrono::system_clock::from_time_t(1767225600);

TEST(JksTest, RoundTripLowerCasesAliases) {
  StoreFixture f;
  auto data = WriteJks(f.Keystore(), kPassword, kNow);
  ASSERT_TRUE(data) << data.error().ToString();
  EXPECT_EQ(data->substr(0, 4), std::string("\xFE\xED\xFE\xED", 4));
  auto store = ReadJavaKeyStore(*data, &kPassword);
  ASSERT_TRUE(store) << store.error().ToString();
  ASSERT_EQ(store->keys.size(), 1u);
  ASSERT_EQ(store->trusted.size(), 1u);
  EXPECT_EQ(store->keys[0].alias, "node-1");
  EXPECT_EQ(store->trusted[0].alias, "caroot");
  EXPECT_EQ(store->keys[0].chain.size(), 2u);
  EXPECT_TRUE(store->keys[0].chain[0].MatchesKey(store->keys[0].key));
  EXPECT_EQ(store->keys[0].created, kNow);
  EXPECT_FALSE(store->integrity_unchecked);
}

TEST(JksTest, WrongPasswordFailsTheIntegrityCheck) {
  StoreFixture f;
  auto data = WriteJks(f.Keystore(), kPassword, kNow).value();
  SecretString wrong("changeiT");
  auto r = ReadJavaKeyStore(data, &wrong);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code(), ErrorCode::kBadPassword);
  EXPECT_EQ(r.error().message(), "integrity check failed: wrong password or corrupted file");
}

TEST(JksTest, DifferentKeyPasswordIsDetected) {
  StoreFixture f;
  auto data = WriteJks(f.Keystore(), kPassword, kNow).value();
  SecretString wrong_key("other-key-password");
  auto r = ReadJavaKeyStore(data, &kPassword, &wrong_key);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code(), ErrorCode::kBadPassword);
  EXPECT_NE(r.error().ToString().find("wrong key password"), std::string::npos);
}

TEST(JksTest, TruststoreReadsWithoutPasswordKeystoreDoesNot) {
  StoreFixture f;
  auto ts = ReadJavaKeyStore(WriteJks(f.Truststore(), kPassword, kNow).value(), nullptr);
  ASSERT_TRUE(ts);
  EXPECT_TRUE(ts->integrity_unchecked);
  EXPECT_EQ(ts->trusted.size(), 1u);
  auto ks = ReadJavaKeyStore(WriteJks(f.Keystore(), kPassword, kNow).value(), nullptr);
  ASSERT_FALSE(ks);
  EXPECT_EQ(ks.error().code(), ErrorCode::kBadPassword);
}

TEST(JksTest, EveryTruncationIsACleanError) {
  StoreFixture f;
  auto data = WriteJks(f.Keystore(), kPassword, kNow).value();
  for (size_t len = 0; len < data.size(); ++len) {
    auto r = ReadJavaKeyStore(std::string_view(data).substr(0, len), &kPassword);
    ASSERT_FALSE(r) << len;
    // Without the password the parser itself meets the cut.
    auto unchecked = ReadJavaKeyStore(std::string_view(data).substr(0, len), nullptr);
    ASSERT_FALSE(unchecked) << len;
  }
}

TEST(JksTest, EveryFlippedBitFailsTheIntegrityCheck) {
  StoreFixture f;
  auto data = WriteJks(f.Truststore(), kPassword, kNow).value();
  for (size_t i = 0; i < data.size(); ++i) {
    std::string bad = data;
    bad[i] ^= 0x01;
    auto r = ReadJavaKeyStore(bad, &kPassword);
    ASSERT_FALSE(r) << "byte " << i;
    EXPECT_TRUE(r.error().code() == ErrorCode::kBadPassword ||
                r.error().code() == ErrorCode::kInvalidData)
        << i;
    (void)ReadJavaKeyStore(bad, nullptr);  // must not crash
  }
}

// A header that promises more than the file can hold.
std::string Forge(uint32_t magic, uint32_t count, const std::string& body) {
  ByteWriter w;
  w.U32(magic);
  w.U32(2);
  w.U32(count);
  w.Bytes(body);
  w.Bytes(std::string(20, '\0'));
  return w.str();
}

TEST(JksTest, HostileHeadersAreRefusedWithoutHugeAllocations) {
  auto absurd = ReadJavaKeyStore(Forge(0xFEEDFEED, 0x7FFFFFFF, ""), nullptr);
  ASSERT_FALSE(absurd);
  EXPECT_NE(absurd.error().message().find("entry count 2147483647 is impossible"),
            std::string::npos);

  ByteWriter entry;  // a trusted entry whose certificate claims 4 GiB
  entry.U32(2);
  entry.Utf("a");
  entry.I64(0);
  entry.Utf("X.509");
  entry.U32(0xFFFFFFFF);
  entry.Bytes(std::string(16, 'x'));
  auto huge = ReadJavaKeyStore(Forge(0xFEEDFEED, 1, entry.str()), nullptr);
  ASSERT_FALSE(huge);
  EXPECT_NE(huge.error().ToString().find("truncated"), std::string::npos);

  auto magic = ReadJavaKeyStore(Forge(0x12345678, 0, ""), nullptr);
  ASSERT_FALSE(magic);
  EXPECT_NE(magic.error().message().find("wrong magic"), std::string::npos);

  ByteWriter tag;
  tag.U32(9);
  tag.Utf("a");
  tag.I64(0);
  tag.Bytes(std::string(16, 'x'));
  auto bad_tag = ReadJavaKeyStore(Forge(0xFEEDFEED, 1, tag.str()), nullptr);
  ASSERT_FALSE(bad_tag);
  EXPECT_NE(bad_tag.error().ToString().find("unknown entry tag 9"), std::string::npos);

  ByteWriter type;
  type.U32(2);
  type.Utf("a");
  type.I64(0);
  type.Utf("PGP");
  type.Bytes(std::string(16, 'x'));
  auto bad_type = ReadJavaKeyStore(Forge(0xFEEDFEED, 1, type.str()), nullptr);
  ASSERT_FALSE(bad_type);
  EXPECT_NE(bad_type.error().ToString().find("unsupported certificate type 'PGP'"),
            std::string::npos);
}

TEST(JksTest, AbsurdCreationDateIsReadAsUnknown) {
  ByteWriter entry;  // a trusted entry created in the year 292 million
  StoreFixture f;
  entry.U32(2);
  entry.Utf("a");
  entry.I64(std::numeric_limits<int64_t>::max() / 2);
  entry.Utf("X.509");
  entry.Blob(f.ca.ToDer());
  auto r = ReadJavaKeyStore(Forge(0xFEEDFEED, 1, entry.str()), nullptr);
  ASSERT_TRUE(r) << r.error().ToString();
  EXPECT_EQ(r->trusted[0].created, TimePoint{});
}

TEST(JksTest, PasswordsAreHashedAsUtf16) {
  EXPECT_EQ(PasswordUtf16Be("ab").value().reveal(), std::string("\0a\0b", 4));
  EXPECT_EQ(PasswordUtf16Be("\xC3\xA9").value().reveal(), std::string("\0\xE9", 2));  // é
  EXPECT_EQ(PasswordUtf16Be("\xF0\x9F\x94\x91").value().reveal(),
            std::string("\xD8\x3D\xDD\x11", 4));  // 🔑
  EXPECT_FALSE(PasswordUtf16Be("\xFF"));
  EXPECT_FALSE(PasswordUtf16Be("\xC3"));
}

}  // namespace
}  // namespace certmint
