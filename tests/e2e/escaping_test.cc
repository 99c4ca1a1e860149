// Issue 19, item 7: every untrusted string certmint prints is escaped: a
// store's aliases (inspect, verify), a token's name (token list), and any
// value quoted in an error line (a flag's value, a file's name). A terminal
// escape or a line break never reaches the output raw.
#include <sqlite3.h>

#include "e2e/cli_helpers.h"

namespace certmint::testing {
namespace {

const std::string kHostileAlias = "al\x1b[31mias\nFAKE ROW";

class EscapingTest : public CliTest {
 protected:
  // A PKCS#12 keystore, made by openssl, whose key entry has kHostileAlias.
  void WriteHostileStore() {
    InitCa();
    auto r = Certmint({"issue", "node-1", "--dir", "pki", "--out", "certs", "--format", "pem-plain",
                       "--ca-password-file", "ca.pass"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    WriteTextFile(dir_ / "p12.pass", "changeit1\n");
    auto p12 = Openssl({"pkcs12", "-export", "-in", "certs/node-1/node-1.crt", "-inkey",
                        "certs/node-1/node-1.key", "-name", kHostileAlias, "-passout",
                        "pass:changeit1", "-out", "hostile.p12"});
    ASSERT_EQ(p12.exit_code, 0) << p12.err;
  }
};

void ExpectNoRawControl(const std::string& output, const std::string& what) {
  EXPECT_EQ(output.find('\x1b'), std::string::npos) << what << " printed a raw ESC:\n" << output;
  EXPECT_EQ(output.find("\nFAKE ROW"), std::string::npos) << what << " printed a raw line break";
}

TEST_F(EscapingTest, InspectShowsAForeignAliasEscaped) {
  WriteHostileStore();
  auto r = Certmint({"inspect", "hostile.p12", "--password-file", "p12.pass"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  ExpectNoRawControl(r.out, "inspect");
  EXPECT_NE(r.out.find("Alias name: al\\x1b[31mias\\x0afake row"), std::string::npos) << r.out;
}

TEST_F(EscapingTest, VerifyShowsAForeignAliasEscaped) {
  WriteHostileStore();
  auto r = Certmint({"verify", "--keystore", "hostile.p12", "--truststore", "certs/node-1/ca.crt",
                     "--password-file", "p12.pass"});
  ExpectNoRawControl(r.out + r.err, "verify");
  EXPECT_NE((r.out + r.err).find("al\\x1b[31mias"), std::string::npos) << r.out << r.err;
}

TEST_F(EscapingTest, TokenListShowsAStoredNameEscaped) {
  InitCa();
  auto t = Certmint({"token", "create", "node-2", "--dir", "pki", "--out", "node-2.token"});
  ASSERT_EQ(t.exit_code, 0) << t.err;
  // What a tampered (or restored) inventory may hold.
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(Path("pki/inventory.db").c_str(), &db), SQLITE_OK);
  sqlite3_stmt* st = nullptr;
  ASSERT_EQ(sqlite3_prepare_v2(db, "UPDATE tokens SET name = ?", -1, &st, nullptr), SQLITE_OK);
  sqlite3_bind_text(st, 1, kHostileAlias.c_str(), -1, SQLITE_TRANSIENT);
  ASSERT_EQ(sqlite3_step(st), SQLITE_DONE);
  sqlite3_finalize(st);
  sqlite3_close(db);
  auto r = Certmint({"token", "list", "--dir", "pki"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  ExpectNoRawControl(r.out, "token list");
  EXPECT_NE(r.out.find("al\\x1b[31mias"), std::string::npos) << r.out;
}

TEST_F(EscapingTest, AnErrorQuotingAValueStaysOneLine) {
  InitCa();
  for (const std::vector<std::string>& args :
       {std::vector<std::string>{"issue", "node-3", "--dir", "pki", "--ip", "10.0.0\n.1\x1b[2J",
                                 "--ca-password-file", "ca.pass"},
        std::vector<std::string>{"inspect", "missing\x1b[2J\nfile.pem"},
        std::vector<std::string>{"token", "revoke", "id\x1b[2J\nx", "--dir", "pki"}}) {
    auto r = Certmint(args);
    EXPECT_NE(r.exit_code, 0) << args[0];
    ExpectNoRawControl(r.err, args[0]);
    EXPECT_EQ(r.err.find('\n'), r.err.size() - 1) << args[0] << ": one line:\n" << r.err;
  }
}

}  // namespace
}  // namespace certmint::testing
