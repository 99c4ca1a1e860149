// `ca init`, `ca set-url` and `ca rotate` from their flags: the checks come
// first, then the secrets, then the CA; each returns what to report.
#include "ca/ca_actions.h"

#include <gtest/gtest.h>

#include <cstdlib>

#include "core/fs.h"
#include "identity/ca_retirement.h"
#include "support/temp_dir.h"
#include "support/test_ca.h"

namespace certmint {
namespace {

using testing::TempDir;
using testing::WriteTextFile;

const TimePoint kNow = std::chrono::system_clock::now();

class CaActionsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    unsetenv(kCaPasswordEnv);
    unsetenv(kPkcs11PinEnv);
    unsetenv(kRootCaPasswordEnv);
    WriteTextFile(tmp_ / "ca-password", std::string(testing::kTestCaPassword) + "\n");
  }
  CaInitRequest Init(const std::string& dir) {
    CaInitRequest r;
    r.dir = dir;
    r.ca = {"CN=Flags CA", "ec:p256", 3650};
    r.secrets.password_file = tmp_ / "ca-password";
    r.now = kNow;
    return r;
  }
  TempDir tmp_;
};

TEST_F(CaActionsTest, IntermediateAndRootDirGoTogetherAndNothingIsMadeOtherwise) {
  CaInitRequest r = Init(tmp_ / "pki");
  r.intermediate = true;
  auto no_root = InitCaFromFlags(r);
  ASSERT_FALSE(no_root);
  EXPECT_EQ(no_root.error().message(), "--intermediate and --root-dir go together");
  r.intermediate = false;
  r.root_dir = tmp_ / "root";
  EXPECT_FALSE(InitCaFromFlags(r));
  r.root_dir.clear();
  r.token.module = "module.so";  // without --pkcs11
  auto module = InitCaFromFlags(r);
  ASSERT_FALSE(module);
  EXPECT_EQ(module.error().message(), "--pkcs11-module goes with --pkcs11");
  EXPECT_FALSE(fs::Exists(tmp_ / "pki"));
}

TEST_F(CaActionsTest, InitCreatesTheCaAndReportsIt) {
  auto report = InitCaFromFlags(Init(tmp_ / "pki"));
  ASSERT_TRUE(report) << report.error().ToString();
  EXPECT_EQ(report->text.rfind("Created CA 'CN=Flags CA' (ec:p256)", 0), 0u) << report->text;
  EXPECT_NE(report->json.find("\"intermediate\": false"), std::string::npos) << report->json;
  EXPECT_TRUE(CertificateAuthority::LoadCertificate(tmp_ / "pki").has_value());
}

TEST_F(CaActionsTest, AnIntermediateIsSignedByTheUnlockedRoot) {
  testing::InitTestCa(tmp_ / "root", "Flags Root", kNow);
  CaInitRequest r = Init(tmp_ / "issuing");
  r.intermediate = true;
  r.root_dir = tmp_ / "root";
  r.root_password_file = tmp_ / "ca-password";
  auto report = InitCaFromFlags(r);
  ASSERT_TRUE(report) << report.error().ToString();
  EXPECT_EQ(report->text.rfind("Created intermediate CA", 0), 0u) << report->text;
  auto cert = CertificateAuthority::LoadCertificate(tmp_ / "issuing");
  ASSERT_TRUE(cert);
  EXPECT_NE(cert->Issuer().ToString().find("Flags Root"), std::string::npos);
}

TEST_F(CaActionsTest, SetUrlTakesAUrlOrClearAndSaysWhatCertificatesCarry) {
  testing::InitTestCa(tmp_ / "pki", "Url CA", kNow);
  EXPECT_FALSE(SetCaUrlFromFlags(tmp_ / "pki", "", false));
  auto both = SetCaUrlFromFlags(tmp_ / "pki", "http://ca.example:8080", true);
  ASSERT_FALSE(both);
  EXPECT_EQ(both.error().message(), "give either a URL or --clear");
  auto set = SetCaUrlFromFlags(tmp_ / "pki", "http://ca.example:8080", false);
  ASSERT_TRUE(set) << set.error().ToString();
  EXPECT_NE(set->find("status URL http://ca.example:8080\n"), std::string::npos) << *set;
  EXPECT_NE(set->find("--status-listen HOST:PORT"), std::string::npos);
  auto cleared = SetCaUrlFromFlags(tmp_ / "pki", "", true);
  ASSERT_TRUE(cleared) << cleared.error().ToString();
  EXPECT_EQ(*cleared, tmp_ / "pki" +
                          ": no status URL; certificates issued from now on carry no OCSP or "
                          "CRL location\n");
}

TEST_F(CaActionsTest, RotateNeedsTheCurrentCaThenRetireEndsIt) {
  testing::InitTestCa(tmp_ / "pki", "Rotating CA", kNow);
  CaRotateRequest r;
  r.dir = tmp_ / "pki";
  r.now = kNow;
  WriteTextFile(tmp_ / "wrong", "not-the-password\n");
  r.secrets.password_file = tmp_ / "wrong";
  EXPECT_FALSE(RotateCaFromFlags(r));
  r.secrets.password_file = tmp_ / "ca-password";
  auto rotated = RotateCaFromFlags(r);
  ASSERT_TRUE(rotated) << rotated.error().ToString();
  EXPECT_EQ(rotated->rfind("CA rotation, step 1 done: new CA", 0), 0u) << *rotated;

  auto retired = RetireCaChecked({tmp_ / "pki", "", /*force=*/true, kNow});
  ASSERT_TRUE(retired) << retired.error().ToString();
  EXPECT_EQ(retired->rfind("CA rotation, step 4 done", 0), 0u) << *retired;
  EXPECT_FALSE(RetireCaChecked({tmp_ / "pki", "", true, kNow}));  // nothing left to retire
}

}  // namespace
}  // namespace certmint
