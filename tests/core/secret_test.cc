#include "core/secret.h"

#include <gtest/gtest.h>

#include <set>
#include <sstream>
#include <type_traits>

#include "core/random.h"

namespace certmint {
namespace {

TEST(SecretStringTest, PrintsRedacted) {
  SecretString s("hunter22");
  std::ostringstream os;
  os << s;
  EXPECT_EQ(os.str(), "<redacted>");
  EXPECT_EQ(s.reveal(), "hunter22");
}

TEST(SecretStringTest, MoveLeavesSourceEmpty) {
  SecretString a("correct horse battery staple");
  SecretString b(std::move(a));
  EXPECT_TRUE(a.empty());  // NOLINT(bugprone-use-after-move): checking the moved-from state
  EXPECT_EQ(b.reveal(), "correct horse battery staple");
  b.clear();
  EXPECT_TRUE(b.empty());
}

TEST(SecretStringTest, CleanseZeroesWholeCapacity) {
  std::string s(100, 'x');
  s.resize(10);
  const char* data = s.data();
  Cleanse(s);
  EXPECT_TRUE(s.empty());
  // The buffer is still owned by `s` (clear() keeps capacity): every byte
  // that held the secret is zero now.
  for (size_t i = 0; i < 100; ++i) {
    ASSERT_EQ(data[i], '\0') << "byte " << i;
  }
}

// Wiping on destruction, move and growth cannot be observed portably (the
// freed memory is gone); these tests pin down the contract around it.
static_assert(!std::is_copy_constructible_v<SecretBytes>);
static_assert(!std::is_copy_assignable_v<SecretBytes>);
static_assert(std::is_nothrow_move_constructible_v<SecretBytes>);
static_assert(std::is_nothrow_move_assignable_v<SecretBytes>);

TEST(SecretBytesTest, ContentsRoundTrip) {
  const std::string bytes("\x00\x01key\xff", 6);
  SecretBytes s(bytes);
  EXPECT_EQ(s.size(), 6u);
  EXPECT_EQ(s.reveal(), bytes);
  EXPECT_EQ(s[0], 0x00);
  EXPECT_EQ(s[5], 0xff);
  const uint8_t raw[] = {1, 2, 3};
  SecretBytes from_raw(raw, sizeof(raw));
  EXPECT_EQ(from_raw.reveal(), std::string("\x01\x02\x03"));
  EXPECT_TRUE(SecretBytes().empty());
  EXPECT_EQ(SecretBytes().reveal(), "");
}

TEST(SecretBytesTest, PrintsRedacted) {
  SecretBytes s(std::string_view("hunter22"));
  std::ostringstream os;
  os << s;
  EXPECT_EQ(os.str(), "<redacted>");
}

TEST(SecretBytesTest, GrowthKeepsContents) {
  SecretBytes s;
  std::string expected;
  for (int i = 0; i < 1000; ++i) {
    s.push_back(static_cast<uint8_t>(i));
    expected.push_back(static_cast<char>(i));
  }
  s.append("tail");
  expected += "tail";
  EXPECT_EQ(s.reveal(), expected);
  EXPECT_GE(s.capacity(), s.size());
}

TEST(SecretBytesTest, AppendFromItselfWhileGrowing) {
  SecretBytes s(std::string_view("abc"));
  ASSERT_EQ(s.capacity(), 3u);
  s.append(s.reveal());  // reallocates: the source is the old buffer
  EXPECT_EQ(s.reveal(), "abcabc");
}

TEST(SecretBytesTest, ReserveKeepsTheBuffer) {
  SecretBytes s;
  s.reserve(64);
  const uint8_t* buffer = s.data();
  for (int i = 0; i < 64; ++i) {
    s.push_back('x');
  }
  EXPECT_EQ(s.data(), buffer);
  EXPECT_EQ(s.reveal(), std::string(64, 'x'));
}

TEST(SecretBytesTest, ResizeZeroesNewBytes) {
  SecretBytes s(std::string_view("secret"));
  s.resize(3);
  EXPECT_EQ(s.reveal(), "sec");
  s.resize(6);  // within the capacity: the cut-off bytes were wiped
  EXPECT_EQ(s.reveal(), std::string("sec\0\0\0", 6));
  s.resize(20);  // a new buffer
  EXPECT_EQ(s.reveal(), std::string("sec") + std::string(17, '\0'));
}

TEST(SecretBytesTest, ClearEmptiesAndWipes) {
  SecretBytes s(std::string_view("secret"));
  const uint8_t* buffer = s.data();
  s.clear();
  EXPECT_TRUE(s.empty());
  EXPECT_EQ(s.reveal(), "");
  // clear() keeps the buffer: every byte that held the secret is zero now.
  for (size_t i = 0; i < 6; ++i) {
    ASSERT_EQ(buffer[i], 0) << "byte " << i;
  }
  s.append("new");
  EXPECT_EQ(s.reveal(), "new");
}

TEST(SecretBytesTest, MoveLeavesSourceEmpty) {
  SecretBytes a(std::string_view("correct horse"));
  SecretBytes b(std::move(a));
  EXPECT_TRUE(a.empty());  // NOLINT(bugprone-use-after-move): checking the moved-from state
  EXPECT_EQ(b.reveal(), "correct horse");
  SecretBytes c(std::string_view("old"));
  c = std::move(b);
  EXPECT_TRUE(b.empty());  // NOLINT(bugprone-use-after-move)
  EXPECT_EQ(c.reveal(), "correct horse");
}

TEST(RandomPasswordTest, LengthAlphabetAndUniqueness) {
  std::set<std::string> seen;
  for (int i = 0; i < 50; ++i) {
    auto p = RandomPassword(32);
    ASSERT_TRUE(p);
    ASSERT_EQ(p->size(), 32u);
    for (char c : p->reveal()) {
      ASSERT_TRUE(std::isalnum(static_cast<unsigned char>(c))) << c;
    }
    seen.insert(std::string(p->reveal()));
  }
  EXPECT_EQ(seen.size(), 50u);
}

}  // namespace
}  // namespace certmint
