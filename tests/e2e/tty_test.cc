// What only happens on a terminal: the no-echo password prompt and apply's
// progress bar. script(1) (util-linux) gives certmint a real pseudo-terminal.
#include <unistd.h>

#include <filesystem>

#include "e2e/cli_helpers.h"

namespace certmint::testing {
namespace {

class TtyTest : public CliTest {
 protected:
  // Runs `command` (a shell line) on a pty in the scratch directory, typing
  // `lines` one by one after a pause, so that they arrive after the prompt.
  ProcessResult OnTerminal(const std::string& command, const std::vector<std::string>& lines) {
    std::string typing = "sleep 1";
    for (const auto& l : lines) {
      typing += "; printf '%s\\n' '" + l + "'; sleep 0.5";
    }
    return RunProcess(
        {"sh", "-c", "(" + typing + ") | script -q -e -c \"" + command + "\" /dev/null"},
        RunOptions{.cwd = dir_.path()});
  }
};

TEST_F(TtyTest, CaPasswordPromptDoesNotEcho) {
  const std::string binary = CERTMINT_BINARY;
  auto r = OnTerminal(binary + " ca init --dir pki", {"typed-secret-1", "typed-secret-1"});
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_NE(r.out.find("New CA password:"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("Repeat New CA password:"), std::string::npos) << r.out;
  EXPECT_EQ(r.out.find("typed-secret-1"), std::string::npos) << "echoed: " << r.out;
  // The prompted password is the one that opens the key.
  WriteTextFile(Path("typed.pass"), "typed-secret-1\n");
  auto open = Openssl({"pkey", "-in", "pki/ca.key", "-passin", "file:typed.pass", "-noout"});
  EXPECT_EQ(open.exit_code, 0) << open.err;

  auto mismatch = OnTerminal(binary + " ca init --dir pki2", {"typed-secret-1", "typed-secret-2"});
  EXPECT_NE(mismatch.exit_code, 0);
  EXPECT_NE(mismatch.out.find("the passwords do not match"), std::string::npos) << mismatch.out;
  EXPECT_FALSE(std::filesystem::exists(Path("pki2")));
}

// apply --prune shows what it revokes and removes and asks; "n" keeps it
// all, "y" prunes. (Without a terminal it needs --yes: apply_test.cc.)
TEST_F(TtyTest, ApplyPruneAsksFirstOnATerminal) {
  WriteTextFile(Path("m.yaml"), "identities:\n  - name: n-{n}\n    count: 2\n");
  const std::string binary = CERTMINT_BINARY;
  const std::string apply =
      binary + " apply m.yaml --dir pki --out certs --ca-password-file ca.pass";
  ASSERT_EQ(OnTerminal(apply, {}).exit_code, 0);
  WriteTextFile(Path("m.yaml"), "identities:\n  - name: n-1\n");

  auto no = OnTerminal(apply + " --prune", {"n"});
  EXPECT_EQ(no.exit_code, 10) << no.out;
  EXPECT_NE(no.out.find("--prune revokes (cessationOfOperation) and removes 1 identity under "
                        "certs:"),
            std::string::npos)
      << no.out;
  EXPECT_NE(no.out.find("  n-2  serial "), std::string::npos) << no.out;
  EXPECT_NE(no.out.find(", issued "), std::string::npos) << no.out;
  EXPECT_NE(no.out.find("DNS:n-2"), std::string::npos) << no.out;
  EXPECT_NE(no.out.find("Revoke and remove 1 identity? [y/N]"), std::string::npos) << no.out;
  EXPECT_NE(no.out.find("not confirmed; nothing pruned or issued"), std::string::npos) << no.out;
  EXPECT_TRUE(std::filesystem::exists(Path("certs/n-2")));

  auto yes = OnTerminal(apply + " --prune", {"y"});
  EXPECT_EQ(yes.exit_code, 0) << yes.out;
  EXPECT_NE(yes.out.find("removed n-2"), std::string::npos) << yes.out;
  EXPECT_FALSE(std::filesystem::exists(Path("certs/n-2")));
}

TEST_F(TtyTest, ApplyShowsAProgressBarOnATerminal) {
  WriteTextFile(Path("m.yaml"), "identities:\n  - name: n-{n}\n    count: 6\n");
  const std::string binary = CERTMINT_BINARY;
  auto r =
      OnTerminal(binary + " apply m.yaml --dir pki --out certs --ca-password-file ca.pass", {});
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_NE(r.out.find("[##############################] 6/6"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("/s ETA"), std::string::npos) << r.out;
  // Not on a terminal: plain lines, one per identity.
  std::filesystem::remove_all(Path("certs"));
  auto plain = Certmint(
      {"apply", "m.yaml", "--dir", "pki", "--out", "certs", "--ca-password-file", "ca.pass"});
  EXPECT_NE(plain.out.find("created n-3\n"), std::string::npos) << plain.out;
  EXPECT_EQ(plain.err.find("ETA"), std::string::npos);
}

TEST_F(TtyTest, RevokeAsksFirstOnATerminal) {
  const std::string binary = CERTMINT_BINARY;
  InitCa();
  ASSERT_EQ(
      Certmint({"issue", "b1", "--dir", "pki", "--out", "certs", "--ca-password-file", "ca.pass"})
          .exit_code,
      0);
  const std::string revoke = binary + " revoke b1 --dir pki --reason key-compromise";
  auto no = OnTerminal(revoke, {"n"});
  EXPECT_NE(no.exit_code, 0);
  EXPECT_NE(no.out.find("serial:"), std::string::npos) << "shows the certificate: " << no.out;
  EXPECT_NE(no.out.find("Revoke it (keyCompromise)? [y/N]"), std::string::npos) << no.out;
  EXPECT_NE(no.out.find("issued within the last hour"), std::string::npos) << no.out;
  EXPECT_NE(no.out.find("not revoked: not confirmed"), std::string::npos) << no.out;
  EXPECT_EQ(Certmint({"list", "--dir", "pki", "--revoked", "--json"}).out, "[]\n");

  auto yes = OnTerminal(revoke, {"yes"});
  EXPECT_EQ(yes.exit_code, 0) << yes.out;
  EXPECT_NE(yes.out.find("Revoked b1"), std::string::npos) << yes.out;
}

}  // namespace
}  // namespace certmint::testing
