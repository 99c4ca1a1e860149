#include "identity/issue_to_dir.h"

#include <gtest/gtest.h>

#include "core/fs.h"
#include "inventory/inventory.h"
#include "support/temp_dir.h"
#include "support/test_ca.h"

namespace certmint {
namespace {

using testing::TempDir;

class IssueToDirTest : public ::testing::Test {
 protected:
  IssueToDirTest() { testing::InitTestCa(dir_ / "pki", "Test CA", now_); }

  IssueToDirRequest Request(const std::string& name) {
    IssueToDirRequest r;
    r.ca_dir = dir_ / "pki";
    r.out_dir = dir_ / "certs";
    r.identity = testing::NodeRequest(name, Role::kBoth, {"DNS:" + name + ".example"}, now_);
    r.output.formats = {StoreFormat::kPem};
    r.secrets = [this]() -> Result<IssueSecrets> {
      ++asked_;
      return IssueSecrets{{SecretString("store-password"), true},
                          SecretString(testing::kTestCaPassword)};
    };
    return r;
  }

  TempDir dir_;
  TimePoint now_ = std::chrono::system_clock::now();
  int asked_ = 0;
};

TEST_F(IssueToDirTest, WritesTheIdentityAndRecordsItValid) {
  auto issued = IssueIdentityToDir(Request("broker-1"));
  ASSERT_TRUE(issued) << issued.error().ToString();
  EXPECT_EQ(issued->files.dir, dir_ / "certs/broker-1");
  EXPECT_TRUE(fs::Exists(dir_ / "certs/broker-1/broker-1.crt"));
  // A generated password is kept beside the stores.
  EXPECT_EQ(testing::ReadTextFile(dir_ / "certs/broker-1/password"), "store-password\n");
  auto inventory = OpenInventory(dir_ / "pki");
  ASSERT_TRUE(inventory);
  InventoryFilter filter;
  filter.current_only = true;
  auto rows = (*inventory)->List(filter, now_);
  ASSERT_TRUE(rows);
  ASSERT_EQ(rows->size(), 1u);
  EXPECT_EQ((*rows)[0].name, "broker-1");
  // Valid, not pending: the files were written.
  EXPECT_EQ((*rows)[0].status, CertStatus::kValid);
}

TEST_F(IssueToDirTest, AnExistingTargetIsRefusedBeforeAnyPassword) {
  ASSERT_TRUE(fs::EnsureDir(dir_ / "certs"));
  ASSERT_TRUE(fs::EnsureDir(dir_ / "certs/broker-1"));
  auto issued = IssueIdentityToDir(Request("broker-1"));
  ASSERT_FALSE(issued);
  EXPECT_EQ(issued.error().code(), ErrorCode::kAlreadyExists);
  EXPECT_EQ(asked_, 0);
}

TEST_F(IssueToDirTest, AMissingCaIsRefusedBeforeAnyPassword) {
  auto request = Request("broker-1");
  request.ca_dir = dir_ / "no-such-ca";
  auto issued = IssueIdentityToDir(std::move(request));
  ASSERT_FALSE(issued);
  EXPECT_EQ(issued.error().code(), ErrorCode::kNotFound);
  EXPECT_EQ(asked_, 0);
}

}  // namespace
}  // namespace certmint
