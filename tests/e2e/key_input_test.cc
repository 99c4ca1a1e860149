// Issue 19 items 9 and 11 through the CLI: key files and PEM stores that
// would cost minutes of key derivation, or that Java cannot read, are
// refused with one line naming the file, exit 6 (invalid data), and nothing
// written.
#include <chrono>
#include <filesystem>

#include "e2e/cli_helpers.h"
#include "support/pbe_rewrite.h"

namespace certmint::testing {
namespace {

constexpr int kInvalidData = 6;

class KeyInputTest : public CliTest {
 protected:
  void SetUp() override {
    CliTest::SetUp();
    WriteTextFile(dir_ / "p", "changeit1\n");
  }

  // certmint under timeout(1): an attack that gets through shows as exit 124
  // after `seconds`, not as a suite that hangs for minutes.
  ProcessResult Bounded(int seconds, std::vector<std::string> args) {
    args.insert(args.begin(), {"timeout", std::to_string(seconds), CERTMINT_BINARY});
    RunOptions options;
    options.cwd = dir_.path();
    for (const char* var : {"CERTMINT_PASSWORD", "CERTMINT_CA_PASSWORD", "CERTMINT_DIR",
                            "CERTMINT_OUT", "CERTMINT_INVENTORY", "CERTMINT_PKCS11_PIN"}) {
      options.env.emplace(var, "");
    }
    options.env.emplace("CERTMINT_CONFIG", "/dev/null");
    return RunProcess(args, options);
  }

  void ExpectRefused(const ProcessResult& r, const std::vector<std::string>& parts,
                     const std::string& must_not_exist) {
    EXPECT_EQ(r.exit_code, kInvalidData) << r.err;
    EXPECT_EQ(CountLines(r.err), 1) << "one line:\n" << r.err;
    EXPECT_EQ(r.err.rfind("certmint: error: ", 0), 0u) << r.err;
    for (const auto& p : parts) {
      EXPECT_NE(r.err.find(p), std::string::npos) << "missing '" << p << "' in: " << r.err;
    }
    EXPECT_FALSE(std::filesystem::exists(Path(must_not_exist))) << must_not_exist;
    EXPECT_TRUE(r.out.empty()) << r.out;
  }

  // The reproduction of item 11: an explicit-parameter P-256 key as
  // PKCS#8 (ex.key) and its self-signed certificate (ex.crt).
  void MakeExplicitKey() {
    ASSERT_EQ(Openssl({"ecparam", "-name", "prime256v1", "-param_enc", "explicit", "-genkey",
                       "-noout", "-out", "trad.key"})
                  .exit_code,
              0);
    ASSERT_EQ(
        Openssl({"pkcs8", "-topk8", "-nocrypt", "-in", "trad.key", "-out", "ex.key"}).exit_code, 0);
    ASSERT_EQ(
        Openssl({"req", "-x509", "-new", "-key", "ex.key", "-subj", "/CN=x", "-out", "ex.crt"})
            .exit_code,
        0);
  }
};

// Item 11: keystore import-key and convert refuse an EC key with explicit
// curve parameters.
TEST_F(KeyInputTest, ExplicitCurveKeyNeverEntersAStore) {
  MakeExplicitKey();
  ExpectRefused(Certmint({"keystore", "import-key", "ex.p12", "--alias", "a", "--key", "ex.key",
                          "--chain", "ex.crt", "--password-file", "p"}),
                {"ex.key", "explicit curve parameters"}, "ex.p12");
  WriteTextFile(dir_ / "ex.pem", ReadTextFile(Path("ex.key")) + ReadTextFile(Path("ex.crt")));
  ExpectRefused(Certmint({"convert", "ex.pem", "ex.jks", "--to", "jks", "--password-file", "p"}),
                {"ex.pem", "explicit curve parameters"}, "ex.jks");
  ExpectRefused(Certmint({"convert", "ex.pem", "plain.pem", "--to", "pem-plain"}),
                {"ex.pem", "explicit curve parameters"}, "plain.pem");
}

// Item 9: a decoy BEGIN line after an "x" hides nothing: the key block that
// would be decrypted, claiming 2^31 PBKDF2 iterations, is refused by its
// count at once (deriving it would take minutes).
TEST_F(KeyInputTest, DecoyDoesNotLetAHugeIterationCountThrough) {
  ASSERT_EQ(Openssl({"req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256",
                     "-nodes", "-subj", "/CN=x", "-keyout", "raw.pem", "-out", "cert.pem"})
                .exit_code,
            0);
  auto benign = Openssl({"pkcs8", "-topk8", "-in", "raw.pem", "-v2", "aes-256-cbc", "-iter", "2048",
                         "-passout", "pass:changeit1"});
  ASSERT_EQ(benign.exit_code, 0) << benign.err;
  const std::string hostile = EncryptedPkcs8WithIterations(benign.out, int64_t{1} << 31);
  WriteTextFile(dir_ / "b.pem", "x" + benign.out + hostile + ReadTextFile(Path("cert.pem")));
  const auto start = std::chrono::steady_clock::now();
  ExpectRefused(Bounded(60, {"convert", "b.pem", "o.p12", "--to", "p12", "--password-file", "p"}),
                {"b.pem", "iteration count 2147483648 is above"}, "o.p12");
  ExpectRefused(
      Bounded(60, {"keystore", "import-key", "n.p12", "--alias", "a", "--key", "b.pem", "--chain",
                   "cert.pem", "--password-file", "p", "--key-password-file", "p"}),
      {"b.pem", "iteration count 2147483648 is above"}, "n.p12");
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(10));
}

}  // namespace
}  // namespace certmint::testing
