// A running `certmint serve` for the end-to-end tests of the CA service: a
// real process on 127.0.0.1, port 0, its stdout parsed for the port and the
// CA fingerprint.
#pragma once

#include <csignal>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "e2e/cli_helpers.h"
#include "tls/probe.h"

namespace certmint::testing {

class ServiceTest : public CliTest {
 protected:
  void SetUp() override {
    CliTest::SetUp();
    InitCa();
  }

  void TearDown() override {
    if (server_) {
      server_->Stop(SIGTERM);
    }
  }

  // Starts the service; extra flags are appended.
  void StartServer(std::vector<std::string> extra = {}) {
    std::vector<std::string> argv{
        CERTMINT_BINARY,      "serve",  "--dir", "pki", "--listen", "127.0.0.1:0",
        "--ca-password-file", "ca.pass"};
    argv.insert(argv.end(), extra.begin(), extra.end());
    server_ = std::make_unique<BackgroundProcess>(
        argv, dir_.path(),
        std::map<std::string, std::string>{{"CERTMINT_CA_PASSWORD", ""},
                                           {"CERTMINT_PASSWORD", ""}});
    const std::string line = server_->WaitForLine("listening on https://");
    ASSERT_FALSE(line.empty()) << server_->output();
    url_ = line.substr(line.find("https://"));
    port_ = std::stoi(url_.substr(url_.rfind(':') + 1));
    const std::string fp = server_->WaitForLine("CA fingerprint");
    ASSERT_FALSE(fp.empty()) << server_->output();
    fingerprint_ = fp.substr(fp.rfind(' ') + 1);
  }

  // `token create NAME --out NAME.token` plus flags; asserts success.
  void CreateToken(const std::string& name, std::vector<std::string> extra = {}) {
    std::vector<std::string> args{"token", "create", name,           "--dir",
                                  "pki",   "--out",  name + ".token"};
    args.insert(args.end(), extra.begin(), extra.end());
    auto r = Certmint(args);
    ASSERT_EQ(r.exit_code, 0) << r.err;
  }

  // `enroll URL --name NAME --token-file NAME.token --out nodes`, pinning
  // the server's CA unless `fingerprint` says otherwise.
  ProcessResult Enroll(const std::string& name, std::vector<std::string> extra = {},
                       const std::string& fingerprint = "") {
    std::vector<std::string> args{"enroll",
                                  url_,
                                  "--name",
                                  name,
                                  "--token-file",
                                  name + ".token",
                                  "--ca-fingerprint",
                                  fingerprint.empty() ? fingerprint_ : fingerprint,
                                  "--out",
                                  "nodes",
                                  "--password-file",
                                  "store.pass"};
    args.insert(args.end(), extra.begin(), extra.end());
    return Certmint(args);
  }

  // The chain the running service presents to a new TLS client (leaf
  // first); empty, with a failure recorded, when the probe fails.
  std::vector<Certificate> ServerChain() {
    ProbeOptions p;
    p.host = "127.0.0.1";
    p.port = port_;
    auto report = Probe(p);
    EXPECT_TRUE(report.has_value()) << report.error().ToString();
    return report ? report->chain : std::vector<Certificate>{};
  }

  nlohmann::json Inventory() {
    auto r = Certmint({"list", "--dir", "pki", "--all", "--json"});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    return nlohmann::json::parse(r.out);
  }

  nlohmann::json Tokens() {
    auto r = Certmint({"token", "list", "--dir", "pki", "--json"});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    return nlohmann::json::parse(r.out);
  }

  std::unique_ptr<BackgroundProcess> server_;
  std::string url_;
  int port_ = 0;
  std::string fingerprint_;
};

}  // namespace certmint::testing
