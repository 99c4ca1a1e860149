// Issue 21, items 4 and 5: identities replaced in the atomic-writer layout
// (core/atomic_dir.h), so that a file watcher on the directory sees a
// renewal, and reload hooks (identity/reload_hook.h).
#include <gtest/gtest.h>
#include <sys/inotify.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <set>

#include "core/atomic_dir.h"
#include "core/fs.h"
#include "identity/files.h"
#include "identity/identity.h"
#include "identity/reload_hook.h"
#include "identity/state.h"
#include "support/temp_dir.h"
#include "support/test_ca.h"

namespace certmint {
namespace {

namespace stdfs = std::filesystem;
using testing::FileMode;
using testing::ListDir;
using testing::TempDir;

class GenerationsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ca_.emplace(CertificateAuthority::Init(tmp_ / "pki", testing::FastCaOptions("Unit CA"),
                                           SecretString("ca-password"))
                    .value());
  }
  Identity Issue(const std::string& name) {
    IdentityRequest req;
    req.name = name;
    return IssueIdentity(*ca_, req).value();
  }
  Status Write(const Identity& id, bool replace) {
    IdentityOutput output;
    output.write_password_file = true;
    output.replace = replace;
    return WriteIdentity(tmp_ / "out", id, SecretString("store-password"), output).map([](auto&&) {
    });
  }
  std::vector<std::string> Generations(const std::string& dir) {
    std::vector<std::string> out;
    for (const auto& f : ListDir(dir)) {
      if (f.rfind("..", 0) == 0 && f != "..data") {
        out.push_back(f);
      }
    }
    return out;
  }
  TempDir tmp_;
  std::optional<CertificateAuthority> ca_;
};

TEST_F(GenerationsTest, NewIdentityHasTheLayout) {
  ASSERT_TRUE(Write(Issue("n1"), false));
  const std::string dir = tmp_ / "out/n1";
  EXPECT_TRUE(fs::HasGenerations(dir));
  EXPECT_EQ(Generations(dir).size(), 1u);
  EXPECT_EQ(stdfs::read_symlink(dir + "/keystore.jks"), "..data/keystore.jks");
  EXPECT_EQ(FileMode(dir), 0700);
  EXPECT_EQ(FileMode(dir + "/" + Generations(dir)[0]), 0700);
  EXPECT_EQ(FileMode(dir + "/keystore.jks"), 0600) << "through the link";
  EXPECT_EQ(FileMode(dir + "/n1.key"), 0600);
  EXPECT_EQ(FileMode(dir + "/n1.crt"), 0644);
}

// The directory stays (same inode); a watcher on it sees every visible name
// created (IN_MOVED_TO) after `..data` already points at the new files; old
// generations go.
TEST_F(GenerationsTest, RenewalKeepsTheDirectoryAndWatchersSeeIt) {
  ASSERT_TRUE(Write(Issue("n1"), false));
  const std::string dir = tmp_ / "out/n1";
  struct stat before {};
  ASSERT_EQ(stat(dir.c_str(), &before), 0);
  const int in = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
  ASSERT_GE(in, 0);
  ASSERT_GE(inotify_add_watch(in, dir.c_str(), IN_MOVED_TO | IN_CREATE | IN_DELETE_SELF), 0);
  const Identity second = Issue("n1");
  ASSERT_TRUE(Write(second, true));
  std::set<std::string> seen;
  bool deleted_self = false;
  alignas(inotify_event) char buf[65536];
  for (ssize_t n; (n = read(in, buf, sizeof(buf))) > 0;) {
    for (char* p = buf; p < buf + n;) {
      auto* e = reinterpret_cast<inotify_event*>(p);
      deleted_self |= (e->mask & IN_DELETE_SELF) != 0;
      if ((e->mask & IN_MOVED_TO) && e->len > 0) {
        seen.insert(e->name);
      }
      p += sizeof(inotify_event) + e->len;
    }
  }
  close(in);
  EXPECT_FALSE(deleted_self) << "the watched directory must stay";
  for (const char* name : {"..data", "keystore.jks", "keystore.p12", "truststore.jks", "n1.key",
                           "chain.pem", "n1.crt"}) {
    EXPECT_TRUE(seen.count(name)) << name << " was not seen renamed in";
  }
  struct stat after {};
  ASSERT_EQ(stat(dir.c_str(), &after), 0);
  EXPECT_EQ(before.st_ino, after.st_ino);
  EXPECT_EQ(Generations(dir).size(), 1u) << "the old generation is removed";
  auto state = ReadIdentityState(tmp_ / "out", "n1").value();
  EXPECT_EQ(state->certificate.SerialHex(), second.certificate.SerialHex());
  EXPECT_TRUE(state->complete);
  auto ks = LoadIdentityKeystore(dir, SecretString("store-password"));
  ASSERT_TRUE(ks) << ks.error().ToString();
  EXPECT_EQ(ks->keys[0].chain[0].SerialHex(), second.certificate.SerialHex());
}

// A directory written by an older certmint (plain files) gets the layout at
// its next renewal.
TEST_F(GenerationsTest, OldLayoutIsMigratedOnRenewal) {
  ASSERT_TRUE(Write(Issue("n1"), false));
  const std::string dir = tmp_ / "out/n1";
  // Make it look as an older certmint left it: plain files, no links.
  const std::string old = tmp_ / "old";
  stdfs::create_directory(old);
  for (const auto& f : ListDir(dir)) {
    if (f.rfind("..", 0) != 0) {
      stdfs::copy_file(dir + "/" + f, old + "/" + f);
    }
  }
  fs::RemoveAll(dir);
  stdfs::rename(old, dir);
  ASSERT_FALSE(fs::HasGenerations(dir));
  ASSERT_TRUE(ReadIdentityState(tmp_ / "out", "n1").value()->complete);
  const Identity second = Issue("n1");
  ASSERT_TRUE(Write(second, true));
  EXPECT_TRUE(fs::HasGenerations(dir));
  EXPECT_TRUE(stdfs::is_symlink(dir + "/keystore.p12"));
  auto state = ReadIdentityState(tmp_ / "out", "n1").value();
  EXPECT_EQ(state->certificate.SerialHex(), second.certificate.SerialHex());
  EXPECT_TRUE(state->complete);
  EXPECT_EQ(ListDir(tmp_ / "out"), std::vector<std::string>{"n1"}) << "no staging left";
}

// What a writer killed before its commit point leaves (a generation that
// `..data` does not point to, a temporary link) changes nothing readers
// see, and the next renewal removes it.
TEST_F(GenerationsTest, LeftoversOfAKilledWriterAreHarmlessAndCleaned) {
  const Identity first = Issue("n1");
  ASSERT_TRUE(Write(first, false));
  const std::string dir = tmp_ / "out/n1";
  stdfs::create_directory(dir + "/..2026_01_01_00_00_00.dead00");
  ASSERT_TRUE(
      fs::WriteFileAtomic(dir + "/..2026_01_01_00_00_00.dead00/keystore.jks", "junk", 0600));
  stdfs::create_symlink("..2026_01_01_00_00_00.dead00", dir + "/...data.tmp-abcdef");
  auto state = ReadIdentityState(tmp_ / "out", "n1").value();
  EXPECT_EQ(state->certificate.SerialHex(), first.certificate.SerialHex());
  EXPECT_TRUE(LoadIdentityKeystore(dir, SecretString("store-password")));
  ASSERT_TRUE(Write(Issue("n1"), true));
  EXPECT_EQ(Generations(dir).size(), 1u);
  EXPECT_FALSE(stdfs::exists(stdfs::symlink_status(dir + "/...data.tmp-abcdef")));
}

// A second writer of the same identity is refused while the first holds it.
TEST_F(GenerationsTest, ConcurrentWriterIsRefused) {
  ASSERT_TRUE(Write(Issue("n1"), false));
  auto lock = fs::FileLock::Acquire(tmp_ / "out/n1/.certmint.lock");
  ASSERT_TRUE(lock);
  auto st = Write(Issue("n1"), true);
  ASSERT_FALSE(st);
  EXPECT_EQ(st.error().code(), ErrorCode::kAlreadyExists);
}

TEST_F(GenerationsTest, HookGetsTheIdentityInItsEnvironment) {
  const Identity id = Issue("n1");
  ASSERT_TRUE(Write(id, false));
  setenv("CERTMINT_PASSWORD", "secret-not-for-hooks", 1);
  const std::string log = tmp_ / "env.txt";
  ReloadHook hook{"env | grep ^CERTMINT_ | sort > '" + log + "'", std::chrono::seconds(10)};
  HookOutcome o = RunReloadHook(hook, tmp_ / "out", "n1", HookEvent::kRenewed);
  unsetenv("CERTMINT_PASSWORD");
  EXPECT_TRUE(o.ok) << o.Describe();
  const std::string env = fs::ReadFile(log).value();
  const std::string dir = fs::Absolute(tmp_ / "out/n1");
  for (const std::string& want : std::vector<std::string>{
           "CERTMINT_IDENTITY=n1\n", "CERTMINT_DIR=" + dir + "\n",
           "CERTMINT_KEYSTORE=" + dir + "/keystore.p12\n", "CERTMINT_EVENT=renewed\n",
           "CERTMINT_SERIAL=" + id.certificate.SerialHex() + "\n",
           "CERTMINT_NOT_AFTER=" + FormatUtc(id.certificate.NotAfter()) + "\n"}) {
    EXPECT_NE(env.find(want), std::string::npos) << want << " not in\n" << env;
  }
  EXPECT_EQ(env.find("CERTMINT_PASSWORD"), std::string::npos) << "certmint's secrets stay";
  EXPECT_FALSE(ReloadHookPending(tmp_ / "out", "n1"));
}

TEST_F(GenerationsTest, FailedHookStaysPendingUntilARetrySucceeds) {
  ASSERT_TRUE(Write(Issue("n1"), false));
  HookOutcome failed =
      RunReloadHook({"exit 3", std::chrono::seconds(10)}, tmp_ / "out", "n1", HookEvent::kRenewed);
  EXPECT_FALSE(failed.ok);
  EXPECT_EQ(failed.exit_code, 3);
  EXPECT_EQ(failed.Describe(), "exited with status 3");
  EXPECT_TRUE(ReloadHookPending(tmp_ / "out", "n1"));
  std::vector<HookOutcome> seen;
  EXPECT_EQ(RetryPendingHooks({"exit 1", std::chrono::seconds(10)}, tmp_ / "out", {"n1"},
                              [&](const HookOutcome& o) { seen.push_back(o); }),
            1);
  EXPECT_EQ(RetryPendingHooks({"true", std::chrono::seconds(10)}, tmp_ / "out", {"n1"},
                              [&](const HookOutcome& o) { seen.push_back(o); }),
            0);
  ASSERT_EQ(seen.size(), 2u);
  EXPECT_EQ(seen[1].event, HookEvent::kRetry);
  EXPECT_TRUE(seen[1].ok);
  EXPECT_FALSE(ReloadHookPending(tmp_ / "out", "n1"));
  // Nothing pending: nothing runs.
  EXPECT_EQ(RetryPendingHooks({"exit 1", std::chrono::seconds(10)}, tmp_ / "out", {"n1"}, {}), 0);
}

TEST_F(GenerationsTest, HookThatHangsIsKilledAtItsTimeout) {
  ASSERT_TRUE(Write(Issue("n1"), false));
  const auto start = std::chrono::steady_clock::now();
  HookOutcome o = RunReloadHook({"sleep 30 & sleep 30; wait", std::chrono::seconds(1)},
                                tmp_ / "out", "n1", HookEvent::kRenewed);
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(10));
  EXPECT_FALSE(o.ok);
  EXPECT_TRUE(o.timed_out);
  EXPECT_NE(o.Describe().find("timed out"), std::string::npos) << o.Describe();
  EXPECT_TRUE(ReloadHookPending(tmp_ / "out", "n1"));
}

TEST(ReloadHookFlagsTest, Checks) {
  EXPECT_TRUE(ParseReloadHookFlags({})->empty());
  EXPECT_FALSE(ParseReloadHookFlags({"", 5}));
  EXPECT_FALSE(ParseReloadHookFlags({"  ", 60}));
  EXPECT_FALSE(ParseReloadHookFlags({"true", 0}));
  EXPECT_FALSE(ParseReloadHookFlags({"true", 100000}));
  EXPECT_EQ(ParseReloadHookFlags({"true", 5})->timeout, std::chrono::seconds(5));
}

}  // namespace
}  // namespace certmint
