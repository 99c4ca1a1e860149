// `csr`, `sign`, `issue` and `keystore install` from their flags: the
// checks before any secret is asked for, the defaults, the result lines.
#include "identity/request_actions.h"

#include <gtest/gtest.h>

#include <cstdlib>

#include "core/fs.h"
#include "stores/store_passwords.h"
#include "support/temp_dir.h"
#include "support/test_ca.h"

namespace certmint {
namespace {

using testing::TempDir;
using testing::WriteTextFile;

const TimePoint kNow = std::chrono::system_clock::now();

class RequestActionsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    unsetenv(kStorePasswordEnv);
    testing::InitTestCa(tmp_ / "pki", "Request Actions CA", kNow);
    WriteTextFile(tmp_ / "pw", "store-password\n");
  }
  CaPasswordSource CaPassword() {
    return [this]() -> Result<SecretString> {
      ++ca_asked_;
      return SecretString(testing::kTestCaPassword);
    };
  }
  TempDir tmp_;
  int ca_asked_ = 0;
};

TEST_F(RequestActionsTest, ACsrIsForCnNameUnlessASubjectIsGiven) {
  CsrFlags f{"node-1", {}, tmp_ / "node", tmp_ / "pw"};
  auto wrote = WriteCsrFromFlags(f);
  ASSERT_TRUE(wrote) << wrote.error().ToString();
  const std::string csr = tmp_ / "node/node-1.csr";
  EXPECT_EQ(*wrote, "Wrote " + (tmp_ / "node/node-1.key") + " (encrypted) and " + csr + "\nSend " +
                        csr +
                        " to the CA: certmint sign node-1.csr --dir PKI --out node-1.crt ...\n");
  EXPECT_FALSE(WriteCsrFromFlags(f));  // the files exist

  CsrFlags named{"node-2", {}, tmp_ / "node", tmp_ / "pw"};
  named.request.subject = "CN=other,O=Example";
  ASSERT_TRUE(WriteCsrFromFlags(named));
  auto signed_chain = SignCsrFromFlags(
      {tmp_ / "node/node-2.csr", tmp_ / "pki", tmp_ / "node-2.crt", {}, ""}, CaPassword());
  ASSERT_TRUE(signed_chain) << signed_chain.error().ToString();
  EXPECT_EQ(signed_chain->rfind("Signed CN=other,O=Example (serial ", 0), 0u) << *signed_chain;
}

TEST_F(RequestActionsTest, SignKeepsTheRequestsSubjectUnlessOverridden) {
  ASSERT_TRUE(WriteCsrFromFlags({"node-3", {}, tmp_ / "node", tmp_ / "pw"}));
  SignFlags f{tmp_ / "node/node-3.csr", tmp_ / "pki", tmp_ / "node-3.crt", {}, ""};
  f.request.subject = "CN=renamed";
  auto done = SignCsrFromFlags(f, CaPassword());
  ASSERT_TRUE(done) << done.error().ToString();
  EXPECT_EQ(done->rfind("Signed CN=renamed (serial ", 0), 0u) << *done;
  EXPECT_NE(done->find(": wrote " + f.out + " (certificate and CA chain)\n"), std::string::npos);
}

TEST_F(RequestActionsTest, IssueChecksTheFlagsBeforeAskingForTheCaPassword) {
  IssueFlags bad{"broker-1", tmp_ / "pki", {}, tmp_ / "out", tmp_ / "pw", {}};
  bad.request.role = "nobody";
  EXPECT_FALSE(IssueFromFlags(bad, CaPassword()));
  IssueFlags bad_name{"../escape", tmp_ / "pki", {}, tmp_ / "out", tmp_ / "pw", {}};
  EXPECT_FALSE(IssueFromFlags(bad_name, CaPassword()));
  EXPECT_EQ(ca_asked_, 0);

  IssueFlags f{"broker-1", tmp_ / "pki", {}, tmp_ / "out", tmp_ / "pw", {}};
  f.request.key_type = "ec:p384";
  auto issued = IssueFromFlags(f, CaPassword());
  ASSERT_TRUE(issued) << issued.error().ToString();
  EXPECT_EQ(ca_asked_, 1);
  EXPECT_EQ(issued->key_spec.ToString(), "ec:p384");
  EXPECT_EQ(issued->issued.files.dir, tmp_ / "out/broker-1");
  EXPECT_TRUE(fs::Exists(tmp_ / "out/broker-1"));
}

TEST_F(RequestActionsTest, InstallBuildsTheStoresFromTheKeyAndTheSignedChain) {
  ASSERT_TRUE(WriteCsrFromFlags({"node-4", {}, tmp_ / "node", tmp_ / "pw"}));
  ASSERT_TRUE(SignCsrFromFlags(
      {tmp_ / "node/node-4.csr", tmp_ / "pki", tmp_ / "node-4.crt", {}, ""}, CaPassword()));
  InstallFilesRequest r;
  r.key_file = tmp_ / "node/node-4.key";
  r.chain_file = tmp_ / "node-4.crt";
  r.out_dir = tmp_ / "installed";
  r.formats = "pem";
  auto done = InstallFromFlags(r, "", tmp_ / "pw");
  ASSERT_TRUE(done) << done.error().ToString();
  EXPECT_EQ(*done, "Installed node-4 in " + (tmp_ / "installed/node-4") + " (chain length 2)\n");
}

}  // namespace
}  // namespace certmint
