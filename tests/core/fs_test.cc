#include "core/fs.h"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include "support/temp_dir.h"

namespace certmint {
namespace {

using testing::FileMode;
using testing::ListDir;
using testing::TempDir;

class UmaskGuard {
 public:
  explicit UmaskGuard(mode_t m) : old_(::umask(m)) {}
  ~UmaskGuard() { ::umask(old_); }

 private:
  mode_t old_;
};

TEST(FsTest, WriteFileAtomicSetsModeWhateverTheUmask) {
  TempDir tmp;
  for (mode_t mask : {0000, 0022, 0077, 0777}) {
    UmaskGuard guard(mask);
    ASSERT_TRUE(fs::WriteFileAtomic(tmp / "key", "secret", fs::kPrivateFile));
    EXPECT_EQ(FileMode(tmp / "key"), 0600) << "umask " << mask;
    ASSERT_TRUE(fs::WriteFileAtomic(tmp / "cert", "public", fs::kPublicFile));
    EXPECT_EQ(FileMode(tmp / "cert"), 0644) << "umask " << mask;
  }
  EXPECT_EQ(ListDir(tmp.path()), (std::vector<std::string>{"cert", "key"}))
      << "no temporary files left behind";
}

TEST(FsTest, WriteFileAtomicReplacesContent) {
  TempDir tmp;
  ASSERT_TRUE(fs::WriteFileAtomic(tmp / "f", "first version", fs::kPublicFile));
  ASSERT_TRUE(fs::WriteFileAtomic(tmp / "f", "2nd", fs::kPublicFile));
  auto data = fs::ReadFile(tmp / "f");
  ASSERT_TRUE(data);
  EXPECT_EQ(*data, "2nd");
}

TEST(FsTest, WriteIntoMissingDirectoryFailsCleanly) {
  TempDir tmp;
  auto st = fs::WriteFileAtomic(tmp / "nope/f", "x", fs::kPublicFile);
  ASSERT_FALSE(st);
  EXPECT_EQ(st.error().code(), ErrorCode::kIo);
  EXPECT_NE(st.error().ToString().find("nope/f"), std::string::npos);
}

TEST(FsTest, ReadFileErrorsNameThePath) {
  TempDir tmp;
  auto r = fs::ReadFile(tmp / "missing");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code(), ErrorCode::kNotFound);
  EXPECT_NE(r.error().ToString().find(tmp / "missing"), std::string::npos);

  ASSERT_TRUE(fs::WriteFileAtomic(tmp / "big", std::string(100, 'a'), fs::kPublicFile));
  auto big = fs::ReadFile(tmp / "big", 10);
  ASSERT_FALSE(big);
  EXPECT_EQ(big.error().code(), ErrorCode::kIo);

  auto dir = fs::ReadFile(tmp.path());
  ASSERT_FALSE(dir);
}

TEST(FsTest, EnsureDirIsPrivateWhateverTheUmask) {
  TempDir tmp;
  UmaskGuard guard(0);
  ASSERT_TRUE(fs::EnsureDir(tmp / "a/b/c"));
  EXPECT_EQ(FileMode(tmp / "a"), 0700);
  EXPECT_EQ(FileMode(tmp / "a/b/c"), 0700);
}

TEST(FsTest, StagingDirCommitsWholeOrNothing) {
  TempDir tmp;
  {
    auto staging = fs::StagingDir::Create(tmp / "id");
    ASSERT_TRUE(staging);
    EXPECT_EQ(FileMode(staging->path()), 0700);
    ASSERT_TRUE(fs::WriteFileAtomic(staging->File("a"), "1", fs::kPublicFile));
    EXPECT_FALSE(fs::Exists(tmp / "id")) << "invisible until committed";
    // Not committed: removed.
  }
  EXPECT_TRUE(ListDir(tmp.path()).empty());

  auto staging = fs::StagingDir::Create(tmp / "id");
  ASSERT_TRUE(staging);
  ASSERT_TRUE(fs::WriteFileAtomic(staging->File("a"), "1", fs::kPublicFile));
  ASSERT_TRUE(staging->Commit());
  EXPECT_TRUE(fs::Exists(tmp / "id/a"));

  // A second one must not replace the first, even an empty target.
  auto again = fs::StagingDir::Create(tmp / "id");
  ASSERT_TRUE(again);
  auto st = again->Commit();
  ASSERT_FALSE(st);
  EXPECT_EQ(st.error().code(), ErrorCode::kAlreadyExists);
  ASSERT_TRUE(fs::EnsureDir(tmp / "empty"));
  auto onto_empty = fs::StagingDir::Create(tmp / "empty");
  ASSERT_TRUE(onto_empty);
  EXPECT_FALSE(onto_empty->Commit());
}

// A directory goes in one rename (to a staging name, which the cleanup of
// interrupted writes removes), then its contents.
TEST(FsTest, RemoveDirAtomicallyLeavesNothing) {
  TempDir tmp;
  ASSERT_TRUE(fs::EnsureDir(tmp / "id/sub"));
  ASSERT_TRUE(fs::WriteFileAtomic(tmp / "id/sub/a", "1", fs::kPrivateFile));
  ASSERT_TRUE(fs::WriteFileAtomic(tmp / "keep", "2", fs::kPrivateFile));
  ASSERT_TRUE(fs::RemoveDirAtomically(tmp / "id"));
  EXPECT_EQ(ListDir(tmp.path()), std::vector<std::string>{"keep"});
  auto missing = fs::RemoveDirAtomically(tmp / "id");
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().code(), ErrorCode::kNotFound);

  // What an interrupted removal leaves is a staging name, which
  // RemoveStaleStaging clears.
  ASSERT_TRUE(fs::EnsureDir(tmp / ".id.tmp-abc123"));
  EXPECT_EQ(fs::RemoveStaleStaging(tmp.path()), 1);
  EXPECT_EQ(ListDir(tmp.path()), std::vector<std::string>{"keep"});
}

}  // namespace
}  // namespace certmint
