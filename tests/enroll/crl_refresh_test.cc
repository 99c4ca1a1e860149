// A node's CRL file (librdkafka's ssl.crl.location) is replaced only by a
// CRL its CA signed, that is current, and whose number did not go back.
#include "enroll/crl_refresh.h"

#include <gtest/gtest.h>

#include "ca/crl.h"
#include "core/fs.h"
#include "support/temp_dir.h"
#include "support/test_ca.h"

namespace certmint {
namespace {

using std::chrono::hours;

const TimePoint kNow = std::chrono::system_clock::from_time_t(1767225600);

class CrlRefreshTest : public ::testing::Test {
 protected:
  // A CRL of `ca` with cRLNumber `number`, made at `made`, valid 7 days.
  static std::string CrlOf(const CertificateAuthority& ca, long long number,
                           TimePoint made = kNow) {
    CrlOptions o;
    o.number = number;
    o.now = made;
    return MakeCrl(ca, {}, o).value().der;
  }

  testing::TempDir tmp_;
  CertificateAuthority ca_ = testing::InitTestCa(tmp_ / "pki", "CRL CA", kNow - hours(1));
  CertificateAuthority other_ = testing::InitTestCa(tmp_ / "other", "Other CA", kNow - hours(1));
  std::vector<Certificate> anchors_{ca_.certificate()};
  std::string path_ = tmp_ / "crl.pem";
};

TEST_F(CrlRefreshTest, WritesACurrentCrlOfTheCaAsPem) {
  auto u = UpdateCrlFile(CrlOf(ca_, 5), anchors_, path_, kNow);
  ASSERT_TRUE(u) << u.error().ToString();
  EXPECT_TRUE(u->replaced);
  EXPECT_EQ(u->crl.number, 5);
  EXPECT_EQ(u->crl.next_update, kNow + hours(24 * 7));
  EXPECT_EQ(fs::ReadFile(path_).value().rfind("-----BEGIN X509 CRL-----", 0), 0u);
  EXPECT_EQ(testing::FileMode(path_), 0644);

  auto same = UpdateCrlFile(CrlOf(ca_, 5), anchors_, path_, kNow);
  ASSERT_TRUE(same) << same.error().ToString();
  EXPECT_FALSE(same->replaced) << "the same CRL number: nothing to write";
  auto newer = UpdateCrlFile(CrlOf(ca_, 6), anchors_, path_, kNow);
  ASSERT_TRUE(newer) << newer.error().ToString();
  EXPECT_TRUE(newer->replaced);
}

TEST_F(CrlRefreshTest, RefusesANumberThatWentBackwards) {
  ASSERT_TRUE(UpdateCrlFile(CrlOf(ca_, 9), anchors_, path_, kNow));
  const std::string kept = fs::ReadFile(path_).value();
  auto replayed = UpdateCrlFile(CrlOf(ca_, 8), anchors_, path_, kNow);
  ASSERT_FALSE(replayed);
  EXPECT_EQ(replayed.error().code(), ErrorCode::kInvalidData);
  EXPECT_NE(replayed.error().message().find("went backwards (the file holds number 9, the "
                                            "fetched CRL has 8)"),
            std::string::npos)
      << replayed.error().message();
  EXPECT_EQ(fs::ReadFile(path_).value(), kept);
}

TEST_F(CrlRefreshTest, RefusesAnotherCasStaleOrGarbageCrl) {
  auto foreign = UpdateCrlFile(CrlOf(other_, 50), anchors_, path_, kNow);
  ASSERT_FALSE(foreign);
  EXPECT_NE(foreign.error().message().find("not signed by a trusted CA"), std::string::npos)
      << foreign.error().message();
  auto stale = UpdateCrlFile(CrlOf(ca_, 3, kNow - hours(24 * 8)), anchors_, path_, kNow);
  ASSERT_FALSE(stale);
  EXPECT_NE(stale.error().message().find("expired"), std::string::npos) << stale.error().message();
  EXPECT_FALSE(UpdateCrlFile("not a CRL", anchors_, path_, kNow));
  EXPECT_FALSE(fs::Exists(path_)) << "nothing refused was written";
}

TEST(CrlFetchTest, ServerFlagsExcludeSigningFlagsAndNeedACaFile) {
  EXPECT_TRUE(CheckCrlFetchFlags(false, false, false, kDefaultCrlDays));
  for (const auto& bad : {CheckCrlFetchFlags(true, false, false, kDefaultCrlDays),
                          CheckCrlFetchFlags(false, true, false, kDefaultCrlDays),
                          CheckCrlFetchFlags(false, false, true, kDefaultCrlDays),
                          CheckCrlFetchFlags(false, false, false, 30)}) {
    ASSERT_FALSE(bad);
    EXPECT_EQ(bad.error().code(), ErrorCode::kInvalidArgument);
  }
  auto no_ca_file = FetchCrlFile("https://127.0.0.1:1", "", "crl.pem", kNow);
  ASSERT_FALSE(no_ca_file);
  EXPECT_NE(no_ca_file.error().message().find("--server needs --ca-file"), std::string::npos);
}

}  // namespace
}  // namespace certmint
