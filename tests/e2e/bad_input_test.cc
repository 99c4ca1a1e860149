// Bad input: one clear line on stderr naming the field or file and the cause,
// the documented exit code, and nothing written.
#include <filesystem>

#include "e2e/cli_helpers.h"

namespace certmint::testing {
namespace {

constexpr int kUsage = 2;
constexpr int kNotFound = 3;
constexpr int kExists = 4;
constexpr int kBadPassword = 5;
constexpr int kInvalidData = 6;

class BadInputTest : public CliTest {
 protected:
  // Expects failure with `code`, one stderr line containing every part, no
  // raw OpenSSL dump, and (when given) `path` not created.
  void ExpectRefused(const ProcessResult& r, int code, std::vector<std::string> parts,
                     const std::string& must_not_exist = "") {
    EXPECT_EQ(r.exit_code, code) << r.err;
    EXPECT_EQ(CountLines(r.err), 1) << "one line:\n" << r.err;
    EXPECT_EQ(r.err.rfind("certmint: error: ", 0), 0u) << r.err;
    for (const auto& p : parts) {
      EXPECT_NE(r.err.find(p), std::string::npos) << "missing '" << p << "' in: " << r.err;
    }
    EXPECT_EQ(r.err.find(":error:"), std::string::npos) << "raw OpenSSL error: " << r.err;
    if (!must_not_exist.empty()) {
      EXPECT_FALSE(std::filesystem::exists(Path(must_not_exist))) << must_not_exist;
    }
    EXPECT_TRUE(r.out.empty()) << r.out;
  }

  std::vector<std::string> Issue(std::vector<std::string> extra) {
    std::vector<std::string> args{
        "issue", "n1", "--dir", "pki", "--out", "certs", "--ca-password-file", "ca.pass"};
    args.insert(args.end(), extra.begin(), extra.end());
    return args;
  }
};

TEST_F(BadInputTest, UnknownKeyType) {
  ExpectRefused(Certmint({"ca", "init", "--dir", "pki", "--key-type", "rsa:1024",
                          "--ca-password-file", "ca.pass"}),
                kUsage, {"--key-type", "unknown key type 'rsa:1024'"}, "pki");
  InitCa();
  ExpectRefused(Certmint(Issue({"--key-type", "dsa"})), kUsage,
                {"--key-type", "unknown key type 'dsa'"}, "certs");
}

TEST_F(BadInputTest, MalformedDn) {
  ExpectRefused(Certmint({"ca", "init", "--dir", "pki", "--subject", "CN=x,BOGUS=y",
                          "--ca-password-file", "ca.pass"}),
                kUsage, {"--subject", "unknown attribute type 'BOGUS'"}, "pki");
  ExpectRefused(Certmint({"ca", "init", "--dir", "pki", "--subject", "just text",
                          "--ca-password-file", "ca.pass"}),
                kUsage, {"--subject", "TYPE=VALUE"}, "pki");
  InitCa();
  ExpectRefused(Certmint(Issue({"--subject", "C=Germany"})), kUsage,
                {"--subject", "invalid value 'Germany' for attribute C"}, "certs");
}

TEST_F(BadInputTest, MalformedIpAndHostName) {
  InitCa();
  ExpectRefused(Certmint(Issue({"--ip", "10.0.0.256"})), kUsage,
                {"--ip", "'10.0.0.256' is not an IPv4 or IPv6 address"}, "certs");
  ExpectRefused(Certmint(Issue({"--dns", "bad_host.example"})), kUsage,
                {"--dns", "'bad_host.example' is not a valid host name"}, "certs");
  ExpectRefused(Certmint(Issue({"--dns", "a.example,IP:1.2.3.4"})), kUsage,
                {"--dns", "not a valid host name"}, "certs");
  ExpectRefused(Certmint(Issue({"--role", "broker"})), kUsage, {"--role", "unknown role 'broker'"},
                "certs");
  ExpectRefused(Certmint(Issue({"--days", "0"})), kUsage, {"--days"}, "certs");
}

TEST_F(BadInputTest, BadIdentityName) {
  InitCa();
  ExpectRefused(Certmint({"issue", "../escape", "--dir", "pki", "--out", "certs",
                          "--ca-password-file", "ca.pass"}),
                kUsage, {"invalid identity name '../escape'"}, "escape");
  EXPECT_FALSE(std::filesystem::exists(Path("certs")));
}

TEST_F(BadInputTest, MissingCa) {
  ExpectRefused(Certmint(Issue({})), kNotFound, {"no CA in pki", "pki/ca.crt"}, "certs");
}

TEST_F(BadInputTest, WrongCaPassword) {
  InitCa();
  WriteTextFile(Path("wrong.pass"), "not-the-password\n");
  ExpectRefused(Certmint({"issue", "n1", "--dir", "pki", "--out", "certs", "--ca-password-file",
                          "wrong.pass"}),
                kBadPassword, {"pki/ca.key", "wrong CA password"}, "certs");
}

TEST_F(BadInputTest, UnreadableAndEmptyPasswordFiles) {
  InitCa();
  ExpectRefused(Certmint({"issue", "n1", "--dir", "pki", "--out", "certs", "--ca-password-file",
                          "missing.pass"}),
                kNotFound, {"--ca-password-file", "missing.pass", "No such file"}, "certs");
  WriteTextFile(Path("empty.pass"), "");
  ExpectRefused(Certmint(Issue({"--password-file", "empty.pass"})), kUsage,
                {"--password-file", "empty.pass", "empty"}, "certs");
  WriteTextFile(Path("short.pass"), "12345\n");
  ExpectRefused(Certmint(Issue({"--password-file", "short.pass"})), kUsage,
                {"--password-file", "at least 6 characters"}, "certs");
  WriteTextFile(Path("weak-ca.pass"), "1234567\n");
  ExpectRefused(Certmint({"ca", "init", "--dir", "pki2", "--ca-password-file", "weak-ca.pass"}),
                kUsage, {"at least 8 characters"}, "pki2");
}

// Passwords for new stores that keytool, Java or Kafka could not use are
// refused wherever one is chosen, naming its source and the cause: Java's
// PKCS#12 encryption takes printable ASCII only, and Kafka and librdkafka's
// property readers trim spaces at the ends.
TEST_F(BadInputTest, StorePasswordsJavaOrKafkaCannotUse) {
  InitCa();
  WriteTextFile(Path("umlaut.pass"), "p\xC3\xA4sswort\n");
  WriteTextFile(Path("tab.pass"), "pass\tword\n");
  WriteTextFile(Path("space.pass"), "password \n");
  const char* ascii = "printable ASCII: Java cannot open a PKCS#12 store";
  const char* ends = "must not begin or end with a space";
  ExpectRefused(Certmint(Issue({"--password-file", "umlaut.pass"})), kUsage,
                {"--password-file umlaut.pass: the store password must be", ascii}, "certs");
  ExpectRefused(Certmint(Issue({"--password-file", "tab.pass"})), kUsage, {ascii}, "certs");
  ExpectRefused(Certmint(Issue({"--password-file", "space.pass"})), kUsage,
                {"--password-file space.pass", ends}, "certs");
  RunOptions env;
  env.env["CERTMINT_PASSWORD"] = " password";
  ExpectRefused(Certmint(Issue({}), env), kUsage, {"CERTMINT_PASSWORD: the store password", ends},
                "certs");
  // A password that works is still taken, with spaces inside and ASCII
  // punctuation.
  WriteTextFile(Path("fine.pass"), "pass word=#!\\\n");
  auto fine = Certmint(Issue({"--password-file", "fine.pass", "--format", "jks"}));
  ASSERT_EQ(fine.exit_code, 0) << fine.err;

  // convert and keystore passwd choose passwords for stores too.
  ExpectRefused(Certmint({"convert", "certs/n1/keystore.jks", "out.p12", "--to", "p12",
                          "--password-file", "fine.pass", "--out-password-file", "umlaut.pass"}),
                kUsage, {"--out-password-file umlaut.pass", ascii}, "out.p12");
  const std::string before = ReadTextFile(Path("certs/n1/keystore.jks"));
  ExpectRefused(Certmint({"keystore", "passwd", "certs/n1/keystore.jks", "--password-file",
                          "fine.pass", "--new-password-file", "space.pass"}),
                kUsage, {"--new-password-file space.pass", ends});
  EXPECT_EQ(ReadTextFile(Path("certs/n1/keystore.jks")), before);
}

TEST_F(BadInputTest, UnknownStoreProfiles) {
  InitCa();
  ASSERT_EQ(Certmint(Issue({"--password-file", "store.pass"})).exit_code, 0);
  ExpectRefused(Certmint({"convert", "certs/n1/keystore.p12", "out.pem", "--to", "pem",
                          "--pem-profile", "legacy", "--password-file", "store.pass"}),
                kUsage, {"--pem-profile", "unknown PEM profile 'legacy' (expected modern or java)"},
                "out.pem");
  ExpectRefused(Certmint({"convert", "certs/n1/keystore.jks", "out.p12", "--to", "p12",
                          "--p12-profile", "java", "--password-file", "store.pass"}),
                kUsage, {"--p12-profile", "unknown PKCS#12 profile 'java'"}, "out.p12");
}

// A key entry under the CA's alias would vanish from the keystore (Java
// keeps one entry per alias): refused before anything is signed.
TEST_F(BadInputTest, KeyAliasTakenByTheCa) {
  InitCa();
  ExpectRefused(Certmint(Issue({"--alias", "CARoot", "--password-file", "store.pass"})), kUsage,
                {"--alias", "alias 'caroot' is taken by the CA certificates"}, "certs/n1");
  ExpectRefused(Certmint({"issue", "caroot", "--dir", "pki", "--out", "certs", "--ca-password-file",
                          "ca.pass", "--password-file", "store.pass"}),
                kUsage, {"the default alias, NAME (set --alias)", "alias 'caroot' is taken"},
                "certs/caroot");
  ExpectRefused(Certmint(Issue({"--alias", "caroot-2", "--password-file", "store.pass"})), kUsage,
                {"alias 'caroot-2' is taken"}, "certs/n1");
  auto list = Certmint({"list", "--dir", "pki", "--all", "--json"});
  EXPECT_EQ(list.out.find("\"name\""), std::string::npos) << "nothing signed: " << list.out;
  EXPECT_EQ(Certmint(Issue({"--alias", "caroot-x", "--password-file", "store.pass"})).exit_code, 0);
}

TEST_F(BadInputTest, NoCaPasswordAndNoTerminal) {
  ExpectRefused(Certmint({"ca", "init", "--dir", "pki"}), kUsage,
                {"no CA password", "--ca-password-file", "CERTMINT_CA_PASSWORD"}, "pki");
}

TEST_F(BadInputTest, ExistingOutputIsNeverOverwritten) {
  InitCa();
  ASSERT_EQ(Certmint(Issue({})).exit_code, 0);
  const std::string before = ReadTextFile(Path("certs/n1/n1.crt"));
  ExpectRefused(Certmint(Issue({})), kExists, {"certs/n1 already exists"});
  EXPECT_EQ(ReadTextFile(Path("certs/n1/n1.crt")), before);
  EXPECT_EQ(ListDir(Path("certs")), std::vector<std::string>{"n1"}) << "no staging leftovers";

  const std::string ca_before = ReadTextFile(Path("pki/ca.crt"));
  ExpectRefused(Certmint({"ca", "init", "--dir", "pki", "--ca-password-file", "ca.pass"}), kExists,
                {"pki/ca.crt already exists"});
  EXPECT_EQ(ReadTextFile(Path("pki/ca.crt")), ca_before);
}

TEST_F(BadInputTest, PasswordsOnArgvAreRefused) {
  for (const char* flag : {"--password", "--ca-password", "--storepass", "--keypass"}) {
    ExpectRefused(Certmint({"issue", "n1", "--dir", "pki", flag, "hunter22"}), kUsage,
                  {flag, "never taken from the command line", "--password-file"}, "n1");
    auto r = Certmint({"ca", "init", "--dir", "pki", flag, "hunter22"});
    EXPECT_EQ(r.exit_code, kUsage);
    EXPECT_EQ(r.err.find("hunter22"), std::string::npos) << "the secret is not echoed back";
    EXPECT_FALSE(std::filesystem::exists(Path("pki")));
  }
  // Flags no command has, that would carry a secret: refused by name, the
  // value never echoed (CLI11 alone would say "not expected: S3cret ...").
  for (const char* flag : {"--new-password", "--root-password", "--out-password", "-storepass",
                           "--srcstorepass", "--deststorepass", "--passin", "--token", "--pin"}) {
    auto r = Certmint({"convert", "in.p12", "out.jks", "--to", "jks", flag, "S3cret"});
    EXPECT_EQ(r.exit_code, kUsage) << flag;
    EXPECT_NE(r.err.find(std::string(flag) + ": passwords are never taken"), std::string::npos)
        << r.err;
    EXPECT_EQ(r.err.find("S3cret"), std::string::npos) << flag << ": " << r.err;
  }
  auto joined = Certmint({"keystore", "passwd", "ks.p12", "--new-password=S3cret"});
  EXPECT_EQ(joined.exit_code, kUsage);
  EXPECT_EQ(joined.err.find("S3cret"), std::string::npos) << joined.err;
  // Flags that name a file, or that carry no secret, are left alone.
  auto known = Certmint({"issue", "n2", "--dir", "nowhere", "--passwordless-truststore",
                         "--password-file", "missing.pass"});
  EXPECT_EQ(known.err.find("never taken"), std::string::npos) << known.err;
}

TEST_F(BadInputTest, InspectGarbageAndMissing) {
  WriteTextFile(Path("junk.pem"),
                "-----BEGIN CERTIFICATE-----\nnot base64 !!\n-----END CERTIFICATE-----\n");
  ExpectRefused(Certmint({"inspect", "junk.pem"}), kInvalidData, {"junk.pem"});
  WriteTextFile(Path("random.bin"), std::string("\x30\x82\x01\x00garbage", 11));
  ExpectRefused(Certmint({"inspect", "random.bin"}), kInvalidData,
                {"random.bin", "not a recognised file"});
  ExpectRefused(Certmint({"inspect", "nothing.pem"}), kNotFound, {"nothing.pem", "No such file"});
}

TEST_F(BadInputTest, VerboseShowsOpenSslDetail) {
  WriteTextFile(Path("junk.pem"), "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n");
  auto r = Certmint({"inspect", "junk.pem", "--verbose"});
  EXPECT_EQ(r.exit_code, kInvalidData);
  EXPECT_NE(r.err.find("OpenSSL said"), std::string::npos) << r.err;
}

TEST_F(BadInputTest, UnknownFlagIsUsageError) {
  auto r = Certmint({"issue", "n1", "--dir", "pki", "--frobnicate"});
  EXPECT_EQ(r.exit_code, kUsage);
  EXPECT_FALSE(std::filesystem::exists(Path("n1")));
}

}  // namespace
}  // namespace certmint::testing
