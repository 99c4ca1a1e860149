#include "core/secret.h"

#include <gtest/gtest.h>

#include <set>
#include <sstream>

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
