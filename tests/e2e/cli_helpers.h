// Helpers for the end-to-end tests: run the real certmint binary and the
// real openssl CLI in a scratch directory.
#pragma once

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "support/process.h"
#include "support/temp_dir.h"

namespace certmint::testing {

class CliTest : public ::testing::Test {
 protected:
  void SetUp() override {
    WriteTextFile(dir_ / "ca.pass", "ca-password-123\n");
    WriteTextFile(dir_ / "store.pass", "store-password\n");
  }

  // certmint with the scratch directory as cwd; the password and default
  // variables are cleared, and no certmint.yaml above the scratch directory
  // is read, so that the caller's environment cannot leak into a test.
  ProcessResult Certmint(std::vector<std::string> args, RunOptions options = {}) {
    args.insert(args.begin(), CERTMINT_BINARY);
    options.cwd = dir_.path();
    options.env.try_emplace("CERTMINT_PASSWORD", "");
    options.env.try_emplace("CERTMINT_CA_PASSWORD", "");
    options.env.try_emplace("CERTMINT_DIR", "");
    options.env.try_emplace("CERTMINT_OUT", "");
    options.env.try_emplace("CERTMINT_INVENTORY", "");
    options.env.try_emplace("CERTMINT_PKCS11_PIN", "");
    options.env.try_emplace("CERTMINT_CONFIG", "/dev/null");
    return RunProcess(args, options);
  }

  ProcessResult Openssl(std::vector<std::string> args) {
    args.insert(args.begin(), "openssl");
    RunOptions options;
    options.cwd = dir_.path();
    return RunProcess(args, options);
  }

  // `ca init` in ./pki with ./ca.pass; asserts success.
  void InitCa(const std::string& key_type = "ec:p256", const std::string& dir = "pki") {
    auto r = Certmint(
        {"ca", "init", "--dir", dir, "--key-type", key_type, "--ca-password-file", "ca.pass"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
  }

  std::string Path(const std::string& rel) { return dir_ / rel; }

#ifdef CERTMINT_KEYTOOL
  // The JDK's keytool, in the scratch directory.
  ProcessResult Keytool(std::vector<std::string> args) {
    args.insert(args.begin(), CERTMINT_KEYTOOL);
    RunOptions o;
    o.cwd = dir_.path();
    return RunProcess(args, o);
  }

  // tests/java/TlsHarness: SERVER_KS TYPE CLIENT_KS TYPE TRUSTSTORE TYPE PW
  // TRUST_PW HOSTS [PROTOCOL], a JSSE mTLS handshake loaded as Kafka loads it.
  ProcessResult JavaHandshake(const std::vector<std::string>& args) {
    std::vector<std::string> argv{CERTMINT_JAVA, "-cp", CERTMINT_JAVA_CLASSES, "TlsHarness"};
    argv.insert(argv.end(), args.begin(), args.end());
    RunOptions o;
    o.cwd = dir_.path();
    return RunProcess(argv, o);
  }
#endif

  TempDir dir_;
};

// The lines of `s`.
inline int CountLines(const std::string& s) {
  int n = 0;
  for (char c : s) {
    n += c == '\n';
  }
  return n;
}

}  // namespace certmint::testing
